// Internal: a streaming RFC 4180 CSV reader, the first stage of loading a
// county from CSV tables.
//
// County databases export tables of millions of rows, so the reader never holds
// a whole file: it reads the stream in blocks and yields one record at a time,
// its fields as views into a buffer it reuses (no heap allocation per field or
// per record once the buffers have grown to the widest record). Each record
// carries the 1-based line where it starts and its raw text, so that a later
// stage can quote the offending line and put a caret under a field.
//
//   std::ifstream in("months.csv", std::ios::binary);
//   rulebook::detail::csv_reader csv(in);
//   while (csv.next()) {
//     if (csv.error()) { report(csv.error()->line, csv.error()->column, csv.error()->message); continue; }
//     for (std::string_view field : csv.fields()) use(field);
//   }
//
// Accepted: quoted fields with commas, doubled quotes and line ends inside;
// LF and CRLF line ends; a UTF-8 byte-order mark at the very start. Reported,
// with the line and code-point column: a quote left open at the end of input, a
// quote inside an unquoted field, text after a closing quote, a carriage return
// not followed by a line feed, and bytes that are not UTF-8. A malformed record
// is still yielded, flagged, so that the caller can report it and go on with the
// next one; only an open quote at the end of input (or a record longer than
// `csv_options::max_record_bytes`, which is how an open quote shows in a big
// file) and read failures end the input.
//
// Not thread-safe: one reader per stream. Views returned by `fields()`,
// `text()` and `line_text()` are valid until the next call to `next()`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rulebook::detail {

/// Why a record could not be read as it stands.
enum class csv_error_kind {
  unterminated_quote,  // a quoted field still open at the end of input (ends the input)
  stray_quote,         // `ab"c`: a quote inside a field that does not start with one
  text_after_quote,    // `"ab"c`: a closing quote followed by more than `,` or a line end
  bare_carriage_return,// a CR not followed by LF outside quotes
  invalid_utf8,        // bytes that are not UTF-8
  record_too_long,     // a record beyond max_record_bytes (ends the input)
  read_failed,         // the stream reported an error (ends the input)
};

/// The first problem of a record, at a 1-based line and code-point column, in
/// the 0-based field `field` of the record (so that a caller can name its
/// column), or `no_field` when the problem is not in one field.
struct csv_error {
  static constexpr std::size_t no_field = static_cast<std::size_t>(-1);

  csv_error_kind kind = csv_error_kind::stray_quote;
  int line = 0;
  int column = 0;
  std::string message;
  std::size_t field = no_field;
};

/// Where a field starts: 1-based line and code-point column of its first byte
/// (the opening quote of a quoted field).
struct csv_position {
  int line = 0;
  int column = 0;
};

struct csv_options {
  /// Bytes read from the stream at a time; the buffer grows past this only for
  /// a record that does not fit.
  std::size_t block_bytes = std::size_t{1} << 16;
  /// The longest record accepted. A quote left open near the start of a big
  /// file would otherwise make the reader buffer the rest of the file.
  std::size_t max_record_bytes = std::size_t{64} << 20;
  /// The line number of the first record, for a stream positioned inside a
  /// file (re-reading one row found earlier at `csv_reader::offset()`).
  int first_line = 1;
  /// Whether a UTF-8 byte-order mark at the start of the stream is skipped;
  /// only at the start of a file is it one.
  bool skip_bom = true;
};

class csv_reader {
 public:
  explicit csv_reader(std::istream& in, csv_options options = {});
  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;

  /// Advances to the next record; returns false at the end of input. A blank
  /// line is a record of one empty field, as RFC 4180 has it.
  [[nodiscard]] bool next();

  /// The fields of the current record, unquoted and unescaped.
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept { return fields_; }
  /// The 1-based line where the current record starts.
  [[nodiscard]] int line() const noexcept { return line_; }
  /// The byte offset in the stream where the current record starts, counted
  /// from where the stream stood when the reader was made: seek there to read
  /// the record again.
  [[nodiscard]] std::uint64_t offset() const noexcept { return origin_ + begin_; }
  /// The raw text of the current record, quotes and inner line ends included,
  /// without the line end that closes it.
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  /// The first problem of the current record, or null when it was read cleanly.
  [[nodiscard]] const csv_error* error() const noexcept { return error_ ? &*error_ : nullptr; }

  /// Where field `i` of the current record starts. For a record without quoted
  /// line ends the line is `line()`.
  [[nodiscard]] csv_position position(std::size_t i);
  /// Where the byte at `p` lies, when `p` points into `text()` (as the views of
  /// most fields do); nothing otherwise. Lets a caller point inside a field.
  [[nodiscard]] std::optional<csv_position> position_of(const char* p) const noexcept;
  /// Physical line `n` of the current record without its line end, or "" when
  /// the record does not span line `n`.
  [[nodiscard]] std::string_view line_text(int n) const noexcept;

 private:
  enum class parse_result { record, need_more, end };

  /// Where a field's value lies: in the read buffer (no escapes) or in scratch_.
  struct field_span {
    bool in_scratch;
    std::size_t begin;
    std::size_t size;
  };

  parse_result parse_record();
  /// Steps `p` over one UTF-8 sequence (or one malformed byte, flagged);
  /// returns false when the sequence is cut off by the end of the data read.
  bool skip_utf8(const char*& p, const char* data_end, const char* record);
  /// Sets the views of a record that ends at `p` and is closed by `terminator`
  /// bytes of line end.
  parse_result finish_record(const char* p, std::size_t terminator, int newlines);
  /// Moves the unread bytes to the front, grows the buffer when a record fills
  /// it, and reads the next block. Returns false when the record cannot grow.
  bool refill();
  void fail(csv_error_kind kind, std::size_t at, std::string message);
  [[nodiscard]] csv_position locate(std::size_t offset_in_record) const noexcept;

  std::istream& in_;
  csv_options options_;

  /// Bytes kept past the sentinel, so that a scan reading 16 bytes at a time stays inside the buffer.
  static constexpr std::size_t slack = 16;
  std::vector<char> buffer_;    // bytes [0, end_) are data; buffer_[end_] is a 0 sentinel, then `slack` more
  std::size_t begin_ = 0;       // the start of the record being parsed
  std::size_t end_ = 0;
  std::uint64_t origin_ = 0;    // the stream offset of buffer_[0]
  std::size_t consumed_ = 0;    // the start of the record after the current one
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t open_quote_ = npos;  // the quote of a field cut off by the end of the data read
  bool eof_ = false;            // the stream has no more bytes
  bool done_ = false;           // a fatal error ended the input
  bool bom_checked_ = false;

  int line_ = 1;                // the line of the current record
  int next_line_ = 1;           // the line of the next record
  std::string_view text_;
  std::vector<field_span> spans_;
  std::vector<std::size_t> starts_;  // each field's first byte, as an offset into text_
  std::vector<std::string_view> fields_;
  std::vector<csv_position> positions_;
  bool positions_valid_ = false;
  std::string scratch_;         // values of quoted fields that held doubled quotes
  std::optional<csv_error> error_;
};

}  // namespace rulebook::detail
