// The id tables of detail/id_table.hpp: every id finds its own index, the
// first of a repeated id wins, and ids not listed are not found.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// The growing map under the loaders' indexes and month_records' member ids:
// ids added one at a time through many doublings, each found at the index it
// was added with; a repeated id is refused with the index it has.
TEST(id_map, grows_and_finds_every_id_added) {
  std::vector<std::string_view> ids;
  std::vector<std::string> text;
  text.reserve(100000);
  for (int i = 0; i < 100000; ++i) text.push_back(std::string("M").append(std::to_string(1000000 + i * 3)));
  rulebook::detail::id_map map;
  const rulebook::detail::ids_in id_of{&ids};
  for (const std::string& id : text) {
    ASSERT_EQ(map.insert(id, ids.size(), id_of), std::nullopt) << id;
    ids.push_back(id);
  }
  EXPECT_EQ(map.size(), 100000u);
  for (std::size_t i = 0; i < text.size(); ++i) ASSERT_EQ(map.find(text[i], id_of), i) << text[i];
  EXPECT_EQ(map.find("M1000001", id_of), std::nullopt);  // between two added ids
  EXPECT_EQ(map.find("M100000", id_of), std::nullopt);   // an added id less its last character
  EXPECT_EQ(map.find("", id_of), std::nullopt);
  // A second "M1000003" is refused with the first's index, 1, and not added.
  EXPECT_EQ(map.insert("M1000003", ids.size(), id_of), 1u);
  EXPECT_EQ(map.size(), 100000u);
  EXPECT_EQ(map.find("M1000003", id_of), 1u);
}

TEST(id_map, reserved_or_not_finds_the_same) {
  std::vector<std::string_view> ids = {"T01", "T02", "", "T10"};
  const rulebook::detail::ids_in id_of{&ids};
  rulebook::detail::id_map reserved;
  reserved.reserve(1000, id_of);
  rulebook::detail::id_map grown;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(reserved.insert(ids[i], i, id_of), std::nullopt);
    EXPECT_EQ(grown.insert(ids[i], i, id_of), std::nullopt);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(reserved.find(ids[i], id_of), i);
    EXPECT_EQ(grown.find(ids[i], id_of), i);
  }
  EXPECT_EQ(reserved.find("T1", id_of), std::nullopt);
  EXPECT_EQ(rulebook::detail::id_map().find("T01", id_of), std::nullopt);  // nothing added
  // Moved, the map finds in its new place; the one moved from is empty, and takes ids afresh.
  rulebook::detail::id_map moved = std::move(grown);
  EXPECT_EQ(moved.find("T10", id_of), 3u);
  EXPECT_EQ(grown.size(), 0u);  // NOLINT(bugprone-use-after-move): left empty, as documented
  EXPECT_EQ(grown.find("T10", id_of), std::nullopt);
  EXPECT_EQ(grown.insert("T02", 1, id_of), std::nullopt);
  EXPECT_EQ(grown.find("T02", id_of), 1u);
  EXPECT_EQ(grown.size(), 1u);
}

}  // namespace
