// The streaming CSV reader under the county tables: RFC 4180 quoting, line
// ends, the byte-order mark, and errors at the line and column a user can find.
#include "detail/csv.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using rulebook::detail::csv_error_kind;
using rulebook::detail::csv_options;
using rulebook::detail::csv_position;
using rulebook::detail::csv_reader;

struct record {
  int line = 0;
  std::vector<std::string> fields;
  std::string text;
  std::optional<rulebook::detail::csv_error> error;
};

std::vector<record> read_all(const std::string& input, csv_options options = {}) {
  std::istringstream in(input);
  csv_reader csv(in, options);
  std::vector<record> out;
  while (csv.next()) {
    record r{csv.line(), {}, std::string(csv.text()), {}};
    for (std::string_view f : csv.fields()) r.fields.emplace_back(f);
    if (csv.error()) r.error = *csv.error();
    out.push_back(std::move(r));
  }
  return out;
}

/// Tiny blocks put a block boundary inside every kind of token: the reader
/// must give the same records whatever the block size.
constexpr csv_options tiny_blocks{.block_bytes = 16, .max_record_bytes = 1 << 20};

using fields = std::vector<std::string>;

}  // namespace

TEST(csv_reader, reads_plain_records_with_their_lines) {
  const auto rs = read_all("id,name,kind\nU01,县财政局,county_department\nU02,大忠桥镇,township\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (fields{"id", "name", "kind"}));
  EXPECT_EQ(rs[1].fields, (fields{"U01", "县财政局", "county_department"}));
  EXPECT_EQ(rs[2].line, 3);
  EXPECT_EQ(rs[2].text, "U02,大忠桥镇,township");
  for (const auto& r : rs) EXPECT_FALSE(r.error);
}

TEST(csv_reader, quoted_fields_keep_commas_and_doubled_quotes) {
  const auto rs = read_all("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].fields, (fields{"a", "b,c", "say \"hi\"", ""}));
  EXPECT_EQ(rs[0].text, "a,\"b,c\",\"say \"\"hi\"\"\",\"\"");
}

TEST(csv_reader, a_quoted_line_end_is_data_and_the_next_record_keeps_its_line) {
  const auto rs = read_all("x,y\n1,\"two\nlines\"\n3,4\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[1].fields, (fields{"1", "two\nlines"}));
  EXPECT_EQ(rs[1].text, "1,\"two\nlines\"");
  EXPECT_EQ(rs[2].line, 4);
  EXPECT_EQ(rs[2].fields, (fields{"3", "4"}));
}

TEST(csv_reader, crlf_line_ends_are_not_part_of_the_last_field) {
  const auto rs = read_all("a,b\r\n1,\"2\"\r\n3,\"x\r\ny\"\r\n");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (fields{"a", "b"}));
  EXPECT_EQ(rs[1].fields, (fields{"1", "2"}));
  EXPECT_EQ(rs[1].text, "1,\"2\"");
  EXPECT_EQ(rs[2].fields, (fields{"3", "x\r\ny"}));  // inside quotes, bytes are kept as written
  for (const auto& r : rs) EXPECT_FALSE(r.error) << r.error->message;
}

TEST(csv_reader, skips_a_byte_order_mark_at_the_start_only) {
  const auto rs = read_all("\xEF\xBB\xBFid,name\nU01,\xEF\xBB\xBFx\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (fields{"id", "name"}));
  EXPECT_EQ(rs[0].text, "id,name");
  EXPECT_EQ(rs[1].fields, (fields{"U01", "\xEF\xBB\xBFx"}));
}

TEST(csv_reader, a_file_of_only_a_byte_order_mark_has_no_records) {
  EXPECT_TRUE(read_all("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(read_all("").empty());
}

TEST(csv_reader, last_record_needs_no_line_end_and_empty_fields_count) {
  const auto rs = read_all("a,,b,\n\n,\nlast");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].fields, (fields{"a", "", "b", ""}));
  EXPECT_EQ(rs[1].fields, (fields{""}));  // a blank line: one empty field
  EXPECT_EQ(rs[2].fields, (fields{"", ""}));
  EXPECT_EQ(rs[3].fields, (fields{"last"}));
  EXPECT_EQ(rs[3].line, 4);
}

TEST(csv_reader, gives_the_same_records_whatever_the_block_size) {
  std::string input = "\xEF\xBB\xBFmember,month,note\r\n";
  for (int i = 0; i < 200; ++i) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "M" + std::to_string(i).
    input.append("M").append(std::to_string(i)).append(",2019-0").append(std::to_string(1 + i % 9)).append(",");
    if (i % 3 == 0) input += "\"驻村 \"\"工作\"\", 日晖塘村\r\n第二行\"";
    else if (i % 3 == 1) input += "日晖塘村";
    input += i % 2 ? "\r\n" : "\n";
  }
  const auto big = read_all(input);
  ASSERT_EQ(big.size(), 201u);
  EXPECT_EQ(big[1].fields, (fields{"M0", "2019-01", "驻村 \"工作\", 日晖塘村\r\n第二行"}));
  EXPECT_EQ(big[2].line, 4);
  for (std::size_t block : {16u, 17u, 19u, 23u, 64u}) {
    const auto small = read_all(input, {.block_bytes = block, .max_record_bytes = 1 << 20});
    ASSERT_EQ(small.size(), big.size()) << block;
    for (std::size_t i = 0; i < big.size(); ++i) {
      EXPECT_EQ(small[i].fields, big[i].fields) << block << " record " << i;
      EXPECT_EQ(small[i].line, big[i].line) << block << " record " << i;
      EXPECT_EQ(small[i].text, big[i].text) << block << " record " << i;
      EXPECT_FALSE(small[i].error) << block << " record " << i;
    }
  }
}

TEST(csv_reader, any_input_reads_the_same_whatever_the_block_size) {
  // Random text over the bytes that matter to the reader, errors included:
  // what it yields must not depend on where the blocks happen to end.
  const std::vector<std::string> pieces = {"a", "bc", ",", "\"", "\"\"", "\n", "\r\n", "\r", "日", "\xE6\x97", "\xFF", ""};
  std::uint64_t state = 20200107;
  const auto next = [&] {  // splitmix64: the same sequence on every platform
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  };
  for (int round = 0; round < 300; ++round) {
    std::string input;
    const std::size_t length = next() % 120;
    for (std::size_t i = 0; i < length; ++i) input += pieces[next() % pieces.size()];
    const auto whole = read_all(input);
    const auto bits = read_all(input, tiny_blocks);
    ASSERT_EQ(whole.size(), bits.size()) << round;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(whole[i].fields, bits[i].fields) << round;
      EXPECT_EQ(whole[i].line, bits[i].line) << round;
      EXPECT_EQ(whole[i].text, bits[i].text) << round;
      ASSERT_EQ(whole[i].error.has_value(), bits[i].error.has_value()) << round;
      if (!whole[i].error) continue;
      EXPECT_EQ(whole[i].error->kind, bits[i].error->kind) << round;
      EXPECT_EQ(whole[i].error->line, bits[i].error->line) << round;
      EXPECT_EQ(whole[i].error->column, bits[i].error->column) << round;
    }
  }
}

TEST(csv_reader, unquoted_fields_of_any_length_split_where_a_plain_split_does) {
  // The reader finds a field's end sixteen bytes at a time: fields of 0 to 40
  // bytes put the ',' and the line end at every place of such a window, and
  // NULs, Chinese characters and the bytes it must stop at inside a field — a
  // stray quote, a bare carriage return, a byte that is not UTF-8 — at every
  // place before them. The fields must be what splitting each line at its
  // commas gives, and a record's first bad byte reported at its code point.
  using rulebook::detail::csv_error_kind;
  struct letter {
    std::string text;
    std::optional<csv_error_kind> bad;
  };
  const std::vector<letter> letters = {{"a", {}},  {"7", {}}, {".", {}}, {std::string(1, '\0'), {}}, {"日", {}},
                                       {"-", {}},  {"\"", csv_error_kind::stray_quote},
                                       {"\r", csv_error_kind::bare_carriage_return},
                                       {"\xFF", csv_error_kind::invalid_utf8}};
  std::uint64_t state = 20261130;
  const auto next = [&] {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  };
  struct expected_record {
    fields cells;
    std::optional<csv_error_kind> bad;  // the first bad byte's kind and column
    int column = 0;
  };
  std::string input;
  std::vector<expected_record> expected;
  for (int r = 0; r < 600; ++r) {
    expected_record row;
    int column = 0;  // code points of the line so far
    const std::size_t count = 1 + next() % 6;
    for (std::size_t f = 0; f < count; ++f) {
      if (f > 0) ++column;  // the ','
      std::string field;
      const std::size_t length = (r * 7 + f * 13) % 41;  // every length from 0 to 40, in turn
      while (field.size() < length) {
        const letter* l = &letters[next() % (r % 2 == 0 ? 6 : letters.size())];  // every other line clean
        if (field.empty() && l->text == "\"") l = &letters[0];  // a quote first would open a quoted field
        ++column;
        if (l->bad && !row.bad) row.bad = l->bad, row.column = column;
        field += l->text;
      }
      if (f + 1 == count && !field.empty() && field.back() == '\r') field += 'a';  // not a CRLF line end
      input += (f == 0 ? "" : ",") + field;
      row.cells.push_back(std::move(field));
    }
    input += "\n";
    expected.push_back(std::move(row));
  }
  ASSERT_GT(std::count_if(expected.begin(), expected.end(), [](const expected_record& e) { return e.bad.has_value(); }), 100);
  for (const csv_options& options : {csv_options{}, tiny_blocks, csv_options{.block_bytes = 31, .max_record_bytes = 1 << 20}}) {
    const auto records = read_all(input, options);
    ASSERT_EQ(records.size(), expected.size()) << options.block_bytes;
    for (std::size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].fields, expected[i].cells) << options.block_bytes << " record " << i;
      EXPECT_EQ(records[i].line, static_cast<int>(i) + 1);
      ASSERT_EQ(records[i].error.has_value(), expected[i].bad.has_value()) << options.block_bytes << " record " << i;
      if (!expected[i].bad) continue;
      EXPECT_EQ(records[i].error->kind, *expected[i].bad) << options.block_bytes << " record " << i;
      EXPECT_EQ(records[i].error->line, static_cast<int>(i) + 1) << options.block_bytes << " record " << i;
      EXPECT_EQ(records[i].error->column, expected[i].column) << options.block_bytes << " record " << i;
    }
  }
}

TEST(csv_reader, a_record_is_read_again_from_its_offset_and_line) {
  const std::string input = "\xEF\xBB\xBFid,name\r\nU01,\"县\n财政局\"\r\nU02,\"a,b\"\nU03,日晖塘村\n";
  std::istringstream in(input);
  csv_reader csv(in, tiny_blocks);
  std::vector<std::pair<std::uint64_t, int>> starts;
  std::vector<fields> seen;
  while (csv.next()) {
    starts.emplace_back(csv.offset(), csv.line());
    seen.emplace_back(csv.fields().begin(), csv.fields().end());
  }
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts[0].first, 3u);  // after the byte-order mark
  EXPECT_EQ(starts[3].second, 5);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::istringstream again(input);
    again.seekg(static_cast<std::streamoff>(starts[i].first));
    csv_reader one(again, {.block_bytes = 16, .first_line = starts[i].second, .skip_bom = false});
    ASSERT_TRUE(one.next());
    EXPECT_EQ(fields(one.fields().begin(), one.fields().end()), seen[i]);
    EXPECT_EQ(one.line(), starts[i].second);
    EXPECT_EQ(one.position(1).line, i == 1 ? 2 : starts[i].second);
  }
}

TEST(csv_reader, positions_count_code_points_and_follow_quoted_line_ends) {
  std::istringstream in("日晖塘村,\"a\nb\",x,\"\"\"\"\n");
  csv_reader csv(in);
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(csv.position(0).column, 1);
  EXPECT_EQ(csv.position(1).column, 6);  // four wide characters and a comma before it
  EXPECT_EQ(csv.position(2).line, 2);
  EXPECT_EQ(csv.position(2).column, 4);  // `b",` before it on line 2
  EXPECT_EQ(csv.position(3).column, 6);
  EXPECT_EQ(csv.line_text(1), "日晖塘村,\"a");
  EXPECT_EQ(csv.line_text(2), "b\",x,\"\"\"\"");
  EXPECT_EQ(csv.line_text(3), "");
  // A view into the record can be located; an unescaped copy cannot.
  const std::string_view x = csv.fields()[2];
  ASSERT_TRUE(csv.position_of(x.data()));
  EXPECT_EQ(csv.position_of(x.data())->column, 4);
  EXPECT_EQ(csv.fields()[3], "\"");
}

TEST(csv_reader, reports_a_quote_left_open_where_it_opens) {
  const std::string input = "a,b\n1,\"open\n2,3\n";
  for (const auto& options : {csv_options{}, tiny_blocks}) {
    const auto rs = read_all(input, options);
    ASSERT_EQ(rs.size(), 2u);
    ASSERT_TRUE(rs[1].error);
    EXPECT_EQ(rs[1].error->kind, csv_error_kind::unterminated_quote);
    EXPECT_EQ(rs[1].error->line, 2);
    EXPECT_EQ(rs[1].error->column, 3);
    EXPECT_EQ(rs[1].error->field, 1u);
    EXPECT_NE(rs[1].error->message.find("never closed"), std::string::npos);
  }
}

TEST(csv_reader, reports_a_stray_quote_and_goes_on_with_the_next_record) {
  const auto rs = read_all("a,b\n日晖\"塘,2\n3,4\n");
  ASSERT_EQ(rs.size(), 3u);
  ASSERT_TRUE(rs[1].error);
  EXPECT_EQ(rs[1].error->kind, csv_error_kind::stray_quote);
  EXPECT_EQ(rs[1].error->line, 2);
  EXPECT_EQ(rs[1].error->column, 3);
  EXPECT_EQ(rs[1].error->field, 0u);
  EXPECT_EQ(rs[1].fields.size(), 2u);  // the quote is taken literally, so the count holds
  EXPECT_FALSE(rs[2].error);
  EXPECT_EQ(rs[2].fields, (fields{"3", "4"}));
}

TEST(csv_reader, reports_text_after_a_closing_quote) {
  const auto rs = read_all("\"ab\"c,d\n");
  ASSERT_EQ(rs.size(), 1u);
  ASSERT_TRUE(rs[0].error);
  EXPECT_EQ(rs[0].error->kind, csv_error_kind::text_after_quote);
  EXPECT_EQ(rs[0].error->column, 5);
  EXPECT_EQ(rs[0].error->field, 0u);
  EXPECT_EQ(rs[0].fields.size(), 2u);
}

TEST(csv_reader, reports_a_carriage_return_without_a_line_feed) {
  const auto rs = read_all("a,b\rc\n");
  ASSERT_EQ(rs.size(), 1u);
  ASSERT_TRUE(rs[0].error);
  EXPECT_EQ(rs[0].error->kind, csv_error_kind::bare_carriage_return);
  EXPECT_EQ(rs[0].error->column, 4);
}

TEST(csv_reader, reports_invalid_utf8_at_its_column) {
  // GBK for 祁阳 is C6 EE D1 F4: C6 EE is not a UTF-8 sequence.
  const auto rs = read_all("id,name\nU01,\xC6\xEE\xD1\xF4\nU02,ok\n", tiny_blocks);
  ASSERT_EQ(rs.size(), 3u);
  ASSERT_TRUE(rs[1].error);
  EXPECT_EQ(rs[1].error->kind, csv_error_kind::invalid_utf8);
  EXPECT_EQ(rs[1].error->line, 2);
  EXPECT_EQ(rs[1].error->column, 5);
  EXPECT_EQ(rs[1].error->field, 1u);
  EXPECT_NE(rs[1].error->message.find("0xC6"), std::string::npos);
  EXPECT_FALSE(rs[2].error);
}

TEST(csv_reader, rejects_overlong_forms_surrogates_and_truncated_sequences) {
  for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x97", "\xFF"}) {
    const auto rs = read_all("x" + bad);
    ASSERT_EQ(rs.size(), 1u);
    ASSERT_TRUE(rs[0].error) << "accepted " << bad.size() << " bytes";
    EXPECT_EQ(rs[0].error->kind, csv_error_kind::invalid_utf8);
    EXPECT_EQ(rs[0].error->column, 2);
  }
  // Inside quotes too.
  const auto rs = read_all("\"a\xFF\"\n");
  ASSERT_TRUE(rs.at(0).error);
  EXPECT_EQ(rs[0].error->column, 3);
  // And four-byte characters are fine.
  EXPECT_FALSE(read_all("\xF0\xA0\x80\x80,\xF4\x8F\xBF\xBF\n").at(0).error);
}

TEST(csv_reader, stops_at_a_record_longer_than_allowed) {
  std::string input = "a,\"";
  input.append(5000, 'x');
  input += "\"\nnext,row\n";
  const auto rs = read_all(input, {.block_bytes = 64, .max_record_bytes = 1024});
  ASSERT_EQ(rs.size(), 1u);
  ASSERT_TRUE(rs[0].error);
  EXPECT_EQ(rs[0].error->kind, csv_error_kind::record_too_long);
  EXPECT_EQ(rs[0].error->line, 1);
  EXPECT_EQ(rs[0].error->column, 3);  // at the quote that is still open
  EXPECT_EQ(rs[0].error->field, 1u);
}

TEST(csv_reader, a_record_larger_than_a_block_grows_the_buffer) {
  std::string big(100000, 'z');
  const auto rs = read_all("a,\"" + big + "\"\nb," + big + "\n", {.block_bytes = 4096});
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields[1], big);
  EXPECT_EQ(rs[1].fields[1], big);
  EXPECT_EQ(rs[1].line, 2);
}
