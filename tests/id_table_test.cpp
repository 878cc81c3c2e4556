// The county index's id table (detail/id_table.hpp): every id finds its own
// index, the first of a repeated id wins, and ids not listed are not found.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rulebook/detail/id_table.hpp"

namespace {

struct thing {
  std::string id;
};

TEST(id_table, finds_every_id_at_its_own_index) {
  std::vector<thing> things;
  for (int i = 0; i < 5000; ++i) {
    things.push_back({std::to_string(100000 + i * 7)});
    things.back().id.insert(things.back().id.begin(), 'M');  // "M100000", "M100007", …
  }
  const rulebook::detail::id_table<thing> table(things);
  for (std::size_t i = 0; i < things.size(); ++i) ASSERT_EQ(table.find(things[i].id), i) << things[i].id;
  EXPECT_EQ(table.find("M100001"), std::nullopt);  // between two listed ids
  EXPECT_EQ(table.find(""), std::nullopt);
  EXPECT_EQ(table.find("M1000000"), std::nullopt);  // a listed id with a character more
  EXPECT_EQ(table.find("M10000"), std::nullopt);    // and with one fewer
}

TEST(id_table, finds_the_first_of_a_repeated_id) {
  const std::vector<thing> things = {{"T01"}, {"T02"}, {"T01"}, {""}, {"T02"}};
  const rulebook::detail::id_table<thing> table(things);
  EXPECT_EQ(table.find("T01"), 0u);
  EXPECT_EQ(table.find("T02"), 1u);
  EXPECT_EQ(table.find(""), 3u);
}

TEST(id_table, an_empty_list_or_none_finds_nothing) {
  const std::vector<thing> none;
  EXPECT_EQ(rulebook::detail::id_table<thing>(none).find("T01"), std::nullopt);
  EXPECT_EQ(rulebook::detail::id_table<thing>().find("T01"), std::nullopt);
}

}  // namespace
