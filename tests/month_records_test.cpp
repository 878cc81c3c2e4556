// A county's month records held as columns (month_records.hpp): what goes in
// comes back out, record by record, with ids and items stored once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rulebook/detail/packed_u32s.hpp"
#include "rulebook/model.hpp"

namespace rb = rulebook;
using rb::money;

namespace {

rb::month_record march(std::string member, int days, std::vector<rb::paid_amount> paid = {}) {
  return {.member = std::move(member), .month = {2019, 3}, .days_in_village = days, .round_trips = 2,
          .days_away_on_duty = 1, .paid = std::move(paid)};
}

TEST(month_records, gives_back_each_record_as_added) {
  const std::vector<rb::month_record> in = {
      march("M001", 22, {{"living", money::yuan(2200)}, {"transport", money::parse("463.20")}}),
      march("M002", 0),
      {.member = "M001", .month = {2019, 4}, .days_in_village = 30, .round_trips = 9, .days_away_on_duty = 0,
       .paid = {{"communication", money::parse("100.25")}}},
  };
  const rb::month_records r(in.begin(), in.end());
  ASSERT_EQ(r.size(), 3u);
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(r[i].record(), in[i]) << i;

  const rb::month_records::row first = r[0];
  EXPECT_EQ(first.member(), "M001");
  EXPECT_EQ(first.month(), (rb::year_month{2019, 3}));
  EXPECT_EQ(first.days_in_village(), 22);
  EXPECT_EQ(first.round_trips(), 2);
  EXPECT_EQ(first.days_away_on_duty(), 1);
  ASSERT_EQ(first.paid_count(), 2u);
  EXPECT_EQ(first.paid(1).item, "transport");
  EXPECT_EQ(first.paid(1).amount, money::parse("463.20"));
  EXPECT_EQ(r[1].paid_count(), 0u);
  EXPECT_EQ(r[2].round_trips(), 9);
}

TEST(month_records, stores_each_member_id_and_item_once) {
  rb::month_records r;
  r.add("M001", {2019, 1}, 20, 1, 0);
  r.add_paid("living", money::yuan(2000));
  r.add("M002", {2019, 1}, 21, 1, 0);
  r.add_paid("living", money::yuan(2100));
  r.add("M001", {2019, 2}, 18, 0, 0);  // M001 again, after another member
  r.add_paid("transport", money::yuan(30));
  EXPECT_EQ(r.member_count(), 2u);
  EXPECT_EQ(r[0].member_key(), r[2].member_key());
  EXPECT_NE(r[0].member_key(), r[1].member_key());
  EXPECT_EQ(r.member_id(r[2].member_key()), "M001");
  EXPECT_EQ(r.member_key("M002"), r[1].member_key());
  EXPECT_EQ(r.member_key("M003"), std::nullopt);
  EXPECT_EQ(r.item_count(), 2u);
  EXPECT_EQ(r.item(*r.item_key("transport")), "transport");
  EXPECT_EQ(r.item_key("communication"), std::nullopt);
  EXPECT_EQ(r.paid_size(), 3u);
  // A paid entry's item stays valid however many items come after it.
  const std::string_view first = r[0].paid(0).item;
  for (int i = 0; i < 100; ++i) {
    r.add("M003", {2019, 3}, 1, 0, 0);
    r.add_paid("own_item_" + std::to_string(i), money::yuan(1));
  }
  EXPECT_EQ(first, "living");
  EXPECT_EQ(r.item_count(), 102u);
}

TEST(month_records, sums_an_item_paid_twice_and_tells_none_from_zero) {
  rb::month_records r{march("M001", 10, {{"living", money::yuan(600)}, {"living", money::parse("400.50")},
                                         {"transport", money::yuan(0)}})};
  r.push_back(march("M002", 10, {{"transport", money::yuan(12)}}));
  EXPECT_EQ(r[0].paid_for("living"), money::parse("1000.50"));
  EXPECT_EQ(r[0].paid_for("transport"), money::yuan(0));  // recorded as nothing paid
  EXPECT_EQ(r[0].paid_for("communication"), std::nullopt);  // no item of that name anywhere
  EXPECT_EQ(r[1].paid_for("living"), std::nullopt);          // an item others have, not this record
  EXPECT_EQ(r[1].paid_for(*r.item_key("transport")), money::yuan(12));
}

TEST(month_records, a_copy_finds_ids_after_the_original_is_gone) {
  auto original = std::make_unique<rb::month_records>();
  original->push_back(march("M001", 1));
  original->push_back(march("M002", 2));
  const rb::month_records copy = *original;
  rb::month_records assigned;
  assigned = *original;
  original.reset();
  for (const rb::month_records* r : {&copy, static_cast<const rb::month_records*>(&assigned)}) {
    EXPECT_EQ(r->member_key("M002"), 1u);
    EXPECT_EQ((*r)[1].days_in_village(), 2);
  }
  assigned = *&assigned;  // to itself: unchanged
  EXPECT_EQ(assigned, copy);
  rb::month_records more = copy;
  more.push_back(march("M002", 3));  // a known id after copying keeps its key
  EXPECT_EQ(more.member_count(), 2u);
  EXPECT_EQ(more[2].member_key(), 1u);
}

// Once the lookup is released (as the CSV loader does), ids are still found,
// a known id added again keeps its key, and a new one takes the next.
TEST(month_records, finds_and_adds_ids_after_the_lookup_is_released) {
  rb::month_records r;
  for (const char* id : {"M001", "M002", "M003"}) r.push_back(march(id, 1));
  r.release_lookup();
  EXPECT_EQ(r.member_key("M002"), 1u);
  EXPECT_EQ(r.member_key("M009"), std::nullopt);
  r.push_back(march("M001", 4));  // not the last id added: found through a lookup built anew
  EXPECT_EQ(r[3].member_key(), 0u);
  r.push_back(march("M004", 5));
  EXPECT_EQ(r[4].member_key(), 3u);
  EXPECT_EQ(r.member_count(), 4u);
  EXPECT_EQ(r.member_key("M004"), 3u);
  EXPECT_EQ(r[4].days_in_village(), 5);
}

// Ids are kept in blocks of 64 KiB: 20,000 ids of 7 characters fill three, an
// id of 70,000 characters takes one of its own; every id reads back whole, and
// views of them outlive a move of the records.
TEST(month_records, keeps_ids_of_any_length_across_storage_blocks) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20000; ++i) ids.push_back(std::string("M").append(std::to_string(100000 + i)));
  ids.insert(ids.begin() + 9000, std::string(70000, 'x'));
  ids.insert(ids.begin() + 9001, "");  // a bad row's id, loaded to be reported
  rb::month_records r;
  for (const std::string& id : ids) r.add(id, {2019, 1}, 1, 0, 0);
  const std::string_view long_one = r[9000].member();
  const rb::month_records moved = std::move(r);
  ASSERT_EQ(moved.member_count(), ids.size());
  for (std::size_t k = 0; k < ids.size(); ++k) {
    ASSERT_EQ(moved.member_id(static_cast<rb::month_records::key>(k)), ids[k]) << k;
    ASSERT_EQ(moved.member_key(ids[k]), k) << k;
  }
  EXPECT_EQ(long_one, std::string(70000, 'x'));
  EXPECT_EQ(moved[9001].member(), "");
  EXPECT_EQ(moved[20001].member(), "M119999");
}

TEST(month_records, compares_record_by_record_not_by_key_numbers) {
  // The same records, ids first seen in another order: keys differ, records are equal.
  rb::month_records a{march("M001", 1), march("M002", 2)};
  rb::month_records b;
  b.add("M002", {2019, 1}, 0, 0, 0);
  rb::month_records c{march("M001", 1), march("M002", 2)};
  EXPECT_EQ(a, c);
  EXPECT_NE(a, b);
  EXPECT_NE(a, (rb::month_records{march("M001", 1), march("M002", 3)}));
  EXPECT_NE(a, (rb::month_records{march("M001", 1), march("M002", 2, {{"living", money::yuan(1)}})}));
  EXPECT_EQ(rb::month_records{}, rb::month_records{});
}

TEST(month_records, iterates_as_a_random_access_range) {
  const rb::month_records r{march("M001", 5), march("M002", 15), march("M003", 25)};
  static_assert(std::random_access_iterator<rb::month_records::iterator>);
  EXPECT_EQ(std::distance(r.begin(), r.end()), 3);
  EXPECT_EQ(std::count_if(r.begin(), r.end(), [](rb::month_records::row x) { return x.days_in_village() > 10; }), 2);
  EXPECT_EQ(r.begin()[2].member(), "M003");
  int days = 0;
  for (const auto x : r) days += x.days_in_village();
  EXPECT_EQ(days, 45);
  EXPECT_FALSE(rb::month_records::row{});  // no record
  EXPECT_TRUE(r[0]);
}

TEST(month_records, keeps_every_amount_exactly_however_it_is_stored) {
  // Whole fen are stored in fen, anything finer as it is; both signs, both ends of money's range.
  const std::vector<money> amounts = {money::yuan(0),          money::parse("0.01"),   money::parse("-0.01"),
                                      money::parse("0.0001"),  money::parse("-0.0001"), money::parse("1779.60"),
                                      money::parse("1779.605"), money::parse("-2200"),   money::max(),
                                      money::min(),            money::parse("922337203685477.58")};
  rb::month_records r;
  r.add("M001", {2019, 1}, 20, 1, 0);
  for (const money m : amounts) r.add_paid("living", m);
  ASSERT_EQ(r[0].paid_count(), amounts.size());
  EXPECT_EQ(r.paid_size(), amounts.size());
  for (std::size_t k = 0; k < amounts.size(); ++k) EXPECT_EQ(r[0].paid(k).amount, amounts[k]) << k;
  EXPECT_THROW((void)r[0].paid(amounts.size()), std::out_of_range);
  // The first eight summed: 0 + 0.01 - 0.01 + 0.0001 - 0.0001 + 1779.60 + 1779.605 - 2200 = 1359.205.
  rb::month_records few;
  few.add("M001", {2019, 1}, 20, 1, 0);
  for (std::size_t k = 0; k < 8; ++k) few.add_paid("living", amounts[k]);
  EXPECT_EQ(few[0].paid_for("living"), money::parse("1359.205"));
}

TEST(month_records, holds_values_too_wide_for_its_columns_aside) {
  // A bad row is loaded so that it can be reported: its values come back as they went in.
  const std::vector<rb::month_record> in = {
      march("M001", 22),
      {.member = "M002", .month = {2019, 13}, .days_in_village = 400, .round_trips = -128,
       .days_away_on_duty = 1'000'000, .paid = {}},
      march("M003", 127),
      march("M004", -127),
      {.member = "M005", .month = {-4000, 0}, .days_in_village = 1, .round_trips = 127, .days_away_on_duty = -1, .paid = {}},
      {.member = "M006", .month = {200'000'000, 6}, .days_in_village = 2, .round_trips = 0,
       .days_away_on_duty = 0, .paid = {{"living", money::yuan(5)}}},
      march("M007", 128),
  };
  const rb::month_records r(in.begin(), in.end());
  ASSERT_EQ(r.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(r[i].record(), in[i]) << i;
  EXPECT_EQ(r[1].month(), (rb::year_month{2019, 13}));
  EXPECT_EQ(r[1].round_trips(), -128);
  EXPECT_EQ(r[4].month(), (rb::year_month{-4000, 0}));
  EXPECT_EQ(r[5].paid_for("living"), money::yuan(5));
  EXPECT_EQ(r[6].days_in_village(), 128);
  const rb::month_records copy = r;
  EXPECT_EQ(copy[1].days_away_on_duty(), 1'000'000);
}

TEST(month_records, numbers_many_items_beyond_one_byte) {
  rb::month_records r;
  r.add("M001", {2019, 1}, 1, 0, 0);
  for (int i = 0; i < 300; ++i) r.add_paid("item_" + std::to_string(i), money::yuan(i));
  ASSERT_EQ(r[0].paid_count(), 300u);
  EXPECT_EQ(r[0].paid(299).item, "item_299");
  EXPECT_EQ(r[0].paid(299).amount, money::yuan(299));
  EXPECT_EQ(r[0].paid_for("item_200"), money::yuan(200));
}

TEST(month_records, refuses_what_it_cannot_hold) {
  rb::month_records r;
  EXPECT_THROW(r.add_paid("living", money::yuan(1)), std::logic_error);  // no record yet
  EXPECT_THROW((void)r.at(0), std::out_of_range);
  r.push_back(march("M001", 1));
  EXPECT_NO_THROW((void)r.at(0));
  EXPECT_THROW((void)r.at(1), std::out_of_range);
  r.clear();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.member_count(), 0u);
}

// ---- the packed column under member keys and the ends of paid amounts ----------

std::vector<std::uint32_t> values_of(const rb::detail::packed_u32s& c) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < c.size(); ++i) out.push_back(c[i]);
  return out;
}

TEST(packed_u32s, keeps_values_rising_less_than_256_within_a_group_packed) {
  rb::detail::packed_u32s c;
  // Groups of eight: 1000..1255 is the most a group may rise; the ninth value starts a group.
  const std::vector<std::uint32_t> in = {1000, 1000, 1001, 1100, 1255, 1003, 1000, 1255, 7, 7, 9, 262};
  for (const std::uint32_t v : in) c.push_back(v);
  EXPECT_FALSE(c.plain());
  EXPECT_EQ(values_of(c), in);
  EXPECT_EQ(c.back(), 262u);
}

TEST(packed_u32s, turns_plain_when_a_value_does_not_fit_and_keeps_every_value) {
  for (const std::uint32_t misfit : {999u, 1447u, 1448u, 0u, 4'294'967'295u}) {
    rb::detail::packed_u32s c;
    for (std::uint32_t v = 0; v < 20; ++v) c.push_back(1000 + v * 12);  // groups: 1000.., 1096.., 1192..
    c.push_back(misfit);  // the 21st, in the third group, whose first is 1192: fits up to 1447
    EXPECT_EQ(c.plain(), misfit < 1192u || misfit > 1447u) << misfit;
    c.push_back(5);  // below 1192: plain from here on
    std::vector<std::uint32_t> want;
    for (std::uint32_t v = 0; v < 20; ++v) want.push_back(1000 + v * 12);
    want.push_back(misfit);
    want.push_back(5);
    EXPECT_EQ(values_of(c), want) << misfit;
  }
}

TEST(packed_u32s, a_group_may_start_anywhere_even_below_the_last) {
  rb::detail::packed_u32s c;
  for (std::uint32_t v = 0; v < 8; ++v) c.push_back(500 + v);
  c.push_back(3);  // the ninth value starts a group of its own
  EXPECT_FALSE(c.plain());
  EXPECT_EQ(c[8], 3u);
  EXPECT_EQ(c[7], 507u);
}

TEST(packed_u32s, replaces_the_last_value_packed_or_plain) {
  rb::detail::packed_u32s c;
  c.push_back(10);
  c.set_back(4000);  // a group's first: becomes the group's first value
  c.push_back(4000);
  c.set_back(4255);  // 255 above the first still fits
  EXPECT_FALSE(c.plain());
  EXPECT_EQ(values_of(c), (std::vector<std::uint32_t>{4000, 4255}));
  c.set_back(4256);  // does not
  EXPECT_TRUE(c.plain());
  EXPECT_EQ(values_of(c), (std::vector<std::uint32_t>{4000, 4256}));
  c.set_back(1);
  EXPECT_EQ(values_of(c), (std::vector<std::uint32_t>{4000, 1}));
}

TEST(packed_u32s, truncates_to_a_shorter_column_in_either_form) {
  for (const bool make_plain : {false, true}) {
    rb::detail::packed_u32s c;
    c.reserve(40);
    for (std::uint32_t v = 0; v < 20; ++v) c.push_back(v * 3);
    if (make_plain) c.push_back(1'000'000);
    EXPECT_EQ(c.plain(), make_plain);
    c.truncate(9);  // into the second group
    ASSERT_EQ(c.size(), 9u);
    c.push_back(25);  // 1 above the second group's first, 24
    c.push_back(24 + 255);
    EXPECT_EQ(values_of(c), (std::vector<std::uint32_t>{0, 3, 6, 9, 12, 15, 18, 21, 24, 25, 279})) << make_plain;
    c.truncate(0);
    EXPECT_TRUE(c.empty());
  }
}

TEST(packed_u32s, matches_a_plain_vector_over_random_changes) {
  std::uint64_t seed = 12345;
  const auto next = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(seed >> 33);
  };
  for (int round = 0; round < 50; ++round) {
    rb::detail::packed_u32s c;
    std::vector<std::uint32_t> want;
    std::uint32_t at = next() % 1000;
    for (int step = 0; step < 300; ++step) {
      const std::uint32_t r = next() % 100;
      if (r < 70 || want.empty()) {
        at += next() % (round % 3 == 0 ? 40 : 8);  // rising slowly; now and then a jump
        if (next() % 400 == 0) at = next();
        c.push_back(at);
        want.push_back(at);
      } else if (r < 90) {
        at += next() % 30;
        c.set_back(at);
        want.back() = at;
      } else {
        const std::size_t n = next() % (want.size() + 1);
        c.truncate(n);
        want.resize(n);
      }
      ASSERT_EQ(c.size(), want.size());
    }
    EXPECT_EQ(values_of(c), want) << round;
  }
}

TEST(packed_u32s, moved_from_is_empty_and_takes_values_again) {
  for (const bool make_plain : {false, true}) {
    rb::detail::packed_u32s a;
    for (std::uint32_t v = 0; v < 20; ++v) a.push_back(make_plain ? 1000 - v : v);
    rb::detail::packed_u32s b = std::move(a);
    EXPECT_EQ(b.size(), 20u);
    EXPECT_EQ(b[19], make_plain ? 981u : 19u);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): what is tested
    EXPECT_FALSE(a.plain());
    a.push_back(7);
    a.push_back(8);
    EXPECT_EQ(values_of(a), (std::vector<std::uint32_t>{7, 8}));
    rb::detail::packed_u32s c;
    c = std::move(b);
    EXPECT_EQ(c.size(), 20u);
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  }
}

TEST(month_records, moved_from_records_are_empty_and_take_records_again) {
  rb::month_records a;
  for (int i = 0; i < 20; ++i) a.push_back(march("M001", i, {{"living", money::yuan(i)}}));
  rb::month_records b = std::move(a);
  EXPECT_EQ(b.size(), 20u);
  EXPECT_EQ(b[19].paid_for("living"), money::yuan(19));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): what is tested
  a.push_back(march("M002", 3));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].record(), march("M002", 3));
}

TEST(month_records, gives_back_records_not_grouped_by_member_or_with_many_amounts) {
  // Grouped by member, with few amounts each, the keys and the amounts' ends are
  // packed; records out of member order, or a record with dozens of amounts, hold
  // them plain: either way each record comes back as it went in.
  const std::vector<std::string> members = {"M0", "M1", "M2", "M3", "M4", "M5", "M6"};
  const std::vector<std::string> items = {"item_0", "item_1", "item_2"};
  std::vector<rb::month_record> in;
  for (int i = 0; i < 30; ++i)
    in.push_back({.member = members[static_cast<std::size_t>(i % 7)], .month = {2019, 1 + i % 12},
                  .days_in_village = i, .round_trips = i % 5, .days_away_on_duty = 1,
                  .paid = {{"living", money::yuan(100 * i)}, {"transport", money::parse("12.34")}}});
  in[17].paid.clear();
  for (int k = 0; k < 100; ++k) in[17].paid.push_back({items[static_cast<std::size_t>(k % 3)], money::yuan(1'000'000 + k)});
  const rb::month_records r(in.begin(), in.end());
  ASSERT_EQ(r.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(r[i].record(), in[i]) << i;
  EXPECT_EQ(r[17].paid_count(), 100u);
  EXPECT_EQ(r[18].paid_for("transport"), money::parse("12.34"));
  EXPECT_EQ(r[29].member(), "M1");
}

TEST(month_records, packs_months_of_years_2047_and_below_and_holds_later_ones_aside) {
  const std::vector<rb::month_record> in = {
      {.member = "M1", .month = {2047, 12}, .days_in_village = 1, .round_trips = 0, .days_away_on_duty = 0, .paid = {}},
      {.member = "M1", .month = {2048, 1}, .days_in_village = 2, .round_trips = 0, .days_away_on_duty = 0, .paid = {}},
      {.member = "M1", .month = {-2048, 0}, .days_in_village = 3, .round_trips = 0, .days_away_on_duty = 0, .paid = {}},
      {.member = "M1", .month = {-2049, 15}, .days_in_village = 4, .round_trips = 0, .days_away_on_duty = 0, .paid = {}},
  };
  const rb::month_records r(in.begin(), in.end());
  for (std::size_t i = 0; i < in.size(); ++i) EXPECT_EQ(r[i].record(), in[i]) << i;
}

}  // namespace
