// The evaluator's thread helpers: results as a loop on one thread gives them,
// whatever the number of threads, and the failure a loop would raise first.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "no_threads.hpp"
#include "rulebook/detail/parallel.hpp"

namespace {

namespace rd = rulebook::detail;

class pipeline : public ::testing::TestWithParam<unsigned> {};

TEST_P(pipeline, hands_every_result_on_in_order_and_runs_every_side_task) {
  constexpr std::size_t tasks = 200, sides = 7;
  std::vector<std::size_t> consumed;
  std::vector<int> side_runs(sides, 0);
  std::atomic<std::size_t> in_flight{0}, most_in_flight{0};
  const std::size_t window = 3;
  rd::ordered_pipeline<std::vector<std::size_t>>(
      GetParam(), tasks, window,
      [&](std::size_t i, unsigned) {
        const std::size_t now = ++in_flight;
        for (std::size_t seen = most_in_flight.load(); now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
        }
        std::vector<std::size_t> made(i % 5 + 1, i * i);  // work of varying size
        return made;
      },
      [&](std::size_t i, std::vector<std::size_t>& made) {
        --in_flight;
        ASSERT_EQ(made.size(), i % 5 + 1);
        EXPECT_EQ(made.front(), i * i);
        consumed.push_back(i);
      },
      sides, [&](std::size_t j, unsigned) { ++side_runs[j]; });
  std::vector<std::size_t> expected(tasks);
  for (std::size_t i = 0; i < tasks; ++i) expected[i] = i;
  EXPECT_EQ(consumed, expected);
  EXPECT_EQ(side_runs, std::vector<int>(sides, 1));
  // Started and not yet consumed: never more than the window (or the threads, when
  // more), plus the one being consumed, whose place is free once it is taken.
  EXPECT_LE(most_in_flight.load(), std::max<std::size_t>(window, GetParam()) + 1);
}

TEST_P(pipeline, a_failing_task_is_raised_as_a_loop_would_raise_it_and_nothing_after_it_is_consumed) {
  std::vector<std::size_t> consumed;
  try {
    rd::ordered_pipeline<std::size_t>(
        GetParam(), 50, 4,
        [&](std::size_t i, unsigned) -> std::size_t {
          if (i == 17 || i == 30) throw std::runtime_error("task " + std::to_string(i));
          return i;
        },
        [&](std::size_t i, std::size_t&) { consumed.push_back(i); }, 3,
        [&](std::size_t j, unsigned) {
          if (j == 1) throw std::runtime_error("side 1");
        });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 17");
  }
  ASSERT_EQ(consumed.size(), 17u);
  EXPECT_EQ(consumed.back(), 16u);
}

TEST_P(pipeline, a_failing_consumer_stops_the_rest) {
  std::size_t consumed = 0;
  EXPECT_THROW(rd::ordered_pipeline<std::size_t>(
                   GetParam(), 1000, 2, [](std::size_t i, unsigned) { return i; },
                   [&](std::size_t i, std::size_t&) {
                     if (i == 10) throw std::logic_error("sink full");
                     ++consumed;
                   },
                   0, [](std::size_t, unsigned) {}),
               std::logic_error);
  EXPECT_EQ(consumed, 10u);
}

TEST_P(pipeline, of_the_side_tasks_the_lowest_numbered_failure_is_raised) {
  std::atomic<int> ran{0};
  try {
    rd::ordered_pipeline<int>(
        GetParam(), 5, 2, [](std::size_t, unsigned) { return 0; }, [](std::size_t, int&) {}, 6,
        [&](std::size_t j, unsigned) {
          ++ran;
          if (j == 2) throw std::runtime_error("side 2");
        });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "side 2");
  }
  EXPECT_GE(ran.load(), 3);
}

TEST_P(pipeline, no_tasks_still_runs_the_side_tasks) {
  std::vector<int> runs(4, 0);
  rd::ordered_pipeline<int>(
      GetParam(), 0, 2, [](std::size_t, unsigned) { return 0; }, [](std::size_t, int&) { FAIL(); }, runs.size(),
      [&](std::size_t j, unsigned) { ++runs[j]; });
  EXPECT_EQ(runs, std::vector<int>(4, 1));
}

INSTANTIATE_TEST_SUITE_P(threads, pipeline, ::testing::Values(1u, 2u, 3u, 8u));

TEST(parallel_for, raises_the_lowest_numbered_failure) {
  for (const unsigned threads : {1u, 2u, 4u}) {
    try {
      rd::parallel_for(threads, 100, [](std::size_t i, unsigned) {
        if (i % 25 == 7) throw std::runtime_error(std::to_string(i));
      });
      FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "7");
    }
  }
}

#if defined(RULEBOOK_TEST_NO_THREADS)
/// In a child process that can start no thread: 0 when both helpers asked for
/// four threads run every task on the calling one with the results of one
/// thread; else what went wrong (_Exit, as `refuse_threads_or_exit`).
[[noreturn]] void run_without_threads() {
  rulebook_test::refuse_threads_or_exit();
  try {
    std::vector<std::size_t> done(100, 0);
    rd::parallel_for(4, done.size(), [&](std::size_t i, unsigned worker) { done[i] = i + 1 + worker; });
    std::vector<std::size_t> expected(done.size());
    std::iota(expected.begin(), expected.end(), std::size_t{1});  // worker 0 did each
    if (done != expected) std::_Exit(12);
    std::vector<std::size_t> consumed;
    int sides_run = 0;
    rd::ordered_pipeline<std::size_t>(
        4, 50, 3, [](std::size_t i, unsigned worker) { return i * i + worker; },
        [&](std::size_t i, std::size_t& made) {
          if (made == i * i) consumed.push_back(i);
        },
        3, [&](std::size_t, unsigned) { ++sides_run; });
    std::vector<std::size_t> in_order(50);
    std::iota(in_order.begin(), in_order.end(), std::size_t{0});
    if (consumed != in_order || sides_run != 3) std::_Exit(13);
  } catch (...) {
    std::_Exit(14);  // a thread the system would not give escaped as a failure
  }
  std::_Exit(0);
}
#endif

TEST(threads, none_to_be_had_runs_every_task_on_the_calling_thread_with_the_same_results) {
#if defined(RULEBOOK_TEST_NO_THREADS)
  if (!rulebook_test::threads_can_be_refused()) GTEST_SKIP() << "this system will not refuse a process its threads";
  EXPECT_EXIT(run_without_threads(), ::testing::ExitedWithCode(0), "");
#else
  GTEST_SKIP() << "needs Linux on x86-64 (a seccomp filter refuses the threads)";
#endif
}

}  // namespace
