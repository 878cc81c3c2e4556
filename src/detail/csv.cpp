#include "detail/csv.hpp"
#include "detail/text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rulebook::detail {
namespace {

/// Bytes that stop the scan of a field's text; every other byte is copied as
/// is. Testing one table entry per byte keeps the inner loop a single load and
/// branch. NUL is the sentinel past the data (and is ordinary data elsewhere);
/// bytes from 0x80 start UTF-8 sequences, which are checked.
constexpr std::array<bool, 256> stop_table(bool quoted) {
  std::array<bool, 256> t{};
  t['\0'] = t['"'] = t['\n'] = true;
  if (!quoted) t[','] = t['\r'] = true;
  for (int b = 0x80; b < 0x100; ++b) t[static_cast<std::size_t>(b)] = true;
  return t;
}
[[maybe_unused]] constexpr std::array<bool, 256> stops_unquoted = stop_table(false);  // skip_unquoted without SSE2
constexpr std::array<bool, 256> stops_quoted = stop_table(true);

inline unsigned char byte(const char* p) noexcept { return static_cast<unsigned char>(*p); }

/// The first byte from `p` on that stops an unquoted field (`stops_unquoted`).
/// With SSE2, sixteen bytes at a time: a field's end found without a branch a
/// byte, whose misses were most of the time a months.csv row took. It reads up
/// to 15 bytes past the stop, which `csv_reader::slack` keeps inside the buffer;
/// the NUL after the data stops it there at the latest.
inline const char* skip_unquoted(const char* p) noexcept {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();
  for (;;) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)),
                                                   _mm_cmpeq_epi8(v, nul)));
    // The bytes from 0x80 (UTF-8 sequences) have their top bit set: the second mask.
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop) | _mm_movemask_epi8(v));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#else
  while (!stops_unquoted[byte(p)]) ++p;
  return p;
#endif
}

std::string hex_byte(unsigned char b) {
  constexpr char digits[] = "0123456789ABCDEF";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}

}  // namespace

csv_reader::csv_reader(std::istream& in, csv_options options) : in_(in), options_(options) {
  options_.block_bytes = std::max<std::size_t>(options_.block_bytes, 16);
  options_.max_record_bytes = std::max(options_.max_record_bytes, options_.block_bytes);
  buffer_.resize(options_.block_bytes + 1 + slack);
  buffer_[0] = '\0';
  line_ = next_line_ = options_.first_line;
  bom_checked_ = !options_.skip_bom;
}

bool csv_reader::next() {
  if (done_) return false;
  error_.reset();
  begin_ = consumed_;
  line_ = next_line_;
  positions_valid_ = false;
  if (!bom_checked_) {
    // A BOM is only a BOM as the very first bytes; read enough to see it.
    while (end_ - begin_ < 3 && !eof_ && !done_)
      if (!refill()) break;
    if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
    bom_checked_ = true;
  }
  for (;;) {
    if (done_) return error_.has_value();  // a read error while looking for the BOM
    switch (parse_record()) {
      case parse_result::record: return true;
      case parse_result::end: return false;
      case parse_result::need_more:
        if (!refill()) return true;  // refill flagged the record as too long or unreadable
        break;
    }
  }
}

csv_reader::parse_result csv_reader::parse_record() {
  const char* const base = buffer_.data();
  const char* const data_end = base + end_;  // *data_end == '\0', the sentinel
  const char* const record = base + begin_;
  const char* p = record;
  if (p == data_end) return eof_ ? parse_result::end : parse_result::need_more;

  spans_.clear();
  starts_.clear();
  scratch_.clear();
  error_.reset();
  open_quote_ = npos;
  int newlines = 0;          // line ends inside quoted fields
  std::size_t terminator = 0;  // bytes of the line end that closes the record

  for (;;) {  // one field per pass
    const char* const field_start = p;
    starts_.push_back(static_cast<std::size_t>(p - record));
    const bool quoted = *p == '"';  // never true at data_end: the sentinel is NUL
    if (quoted) {
      // The value runs to the next lone quote; a doubled quote stands for one.
      // Values without doubled quotes stay views into the buffer; the others
      // are assembled, segment by segment, in scratch_.
      ++p;
      const char* segment = p;
      bool escaped = false;
      std::size_t scratch_begin = 0;
      for (;;) {
        while (!stops_quoted[byte(p)]) ++p;
        if (p == data_end) {
          if (!eof_) {
            open_quote_ = static_cast<std::size_t>(field_start - record);
            return parse_result::need_more;
          }
          if (escaped) scratch_.append(segment, p);
          spans_.push_back(escaped ? field_span{true, scratch_begin, scratch_.size() - scratch_begin}
                                   : field_span{false, static_cast<std::size_t>(segment - base),
                                                static_cast<std::size_t>(p - segment)});
          error_.reset();  // the open quote is the problem to report, not what it swallowed
          fail(csv_error_kind::unterminated_quote, static_cast<std::size_t>(field_start - record),
               "this quoted field is never closed: expected a closing '\"' before the end of the file "
               "(a '\"' inside a quoted field is written '\"\"')");
          done_ = true;
          return finish_record(p, 0, newlines);
        }
        if (*p == '"') {
          if (p + 1 == data_end && !eof_) {
            open_quote_ = static_cast<std::size_t>(field_start - record);
            return parse_result::need_more;
          }
          if (p[1] == '"') {
            if (!escaped) {
              escaped = true;
              scratch_begin = scratch_.size();
            }
            scratch_.append(segment, p + 1);  // keeps one of the two quotes
            p += 2;
            segment = p;
            continue;
          }
          break;  // the closing quote
        }
        if (*p == '\n') {
          ++newlines;
          ++p;
        } else if (*p == '\0') {
          ++p;
        } else if (!skip_utf8(p, data_end, record)) {
          return parse_result::need_more;
        }
      }
      if (escaped) scratch_.append(segment, p);
      spans_.push_back(escaped ? field_span{true, scratch_begin, scratch_.size() - scratch_begin}
                               : field_span{false, static_cast<std::size_t>(segment - base),
                                            static_cast<std::size_t>(p - segment)});
      ++p;  // past the closing quote
      const bool at_end = *p == ',' || *p == '\n' || (*p == '\r' && p[1] == '\n') || p == data_end;
      if (!at_end && !(*p == '\r' && p + 1 == data_end && !eof_))
        fail(csv_error_kind::text_after_quote, static_cast<std::size_t>(p - record),
             "unexpected text after the closing quote: expected ',' or the end of the line "
             "(a '\"' inside a quoted field is written '\"\"')");
    }

    // The unquoted value, or what follows a closing quote, up to ',' or the line end.
    const char* const value = p;
    for (;;) {
      p = skip_unquoted(p);
      if (p == data_end) {
        if (!eof_) return parse_result::need_more;
        break;
      }
      const char c = *p;
      if (c == ',' || c == '\n') break;
      if (c == '\r') {
        if (p + 1 == data_end && !eof_) return parse_result::need_more;
        if (p[1] == '\n') break;
        fail(csv_error_kind::bare_carriage_return, static_cast<std::size_t>(p - record),
             "a carriage return not followed by a line feed: expected LF or CRLF line ends");
        ++p;
      } else if (c == '"') {
        fail(csv_error_kind::stray_quote, static_cast<std::size_t>(p - record),
             "a '\"' inside an unquoted field: quote the whole field and double the quote, as in "
             "\"say \"\"hi\"\"\"");
        ++p;
      } else if (c == '\0') {
        ++p;
      } else if (!skip_utf8(p, data_end, record)) {
        return parse_result::need_more;
      }
    }
    if (!quoted)
      spans_.push_back({false, static_cast<std::size_t>(value - base), static_cast<std::size_t>(p - value)});

    if (p == data_end) return finish_record(p, 0, newlines);
    if (*p == ',') {
      ++p;
      continue;
    }
    terminator = *p == '\r' ? 2 : 1;
    return finish_record(p, terminator, newlines);
  }
}

bool csv_reader::skip_utf8(const char*& p, const char* data_end, const char* record) {
  const int n = utf8_length(p, data_end);
  if (n < 0 && !eof_) return false;
  if (n <= 0) {
    fail(csv_error_kind::invalid_utf8, static_cast<std::size_t>(p - record),
         "invalid UTF-8: the byte " + hex_byte(byte(p)) + " does not begin a character here; " +
             "expected the file in UTF-8 (export it as UTF-8, not GBK)");
    ++p;
  } else {
    p += n;
  }
  return true;
}

csv_reader::parse_result csv_reader::finish_record(const char* p, std::size_t terminator, int newlines) {
  const char* const record = buffer_.data() + begin_;
  text_ = std::string_view(record, static_cast<std::size_t>(p - record));
  consumed_ = static_cast<std::size_t>(p - buffer_.data()) + terminator;
  next_line_ = line_ + newlines + (terminator > 0 ? 1 : 0);
  fields_.resize(spans_.size());
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    const field_span& s = spans_[i];
    fields_[i] = std::string_view((s.in_scratch ? scratch_.data() : buffer_.data()) + s.begin, s.size);
  }
  return parse_result::record;
}

bool csv_reader::refill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    origin_ += begin_;
    end_ -= begin_;
    consumed_ -= std::min(consumed_, begin_);
    begin_ = 0;
  }
  std::size_t capacity = buffer_.size() - 1 - slack;
  if (end_ == capacity) {
    if (capacity >= options_.max_record_bytes) {
      // The record fills the largest buffer allowed: report it and stop rather
      // than read the rest of a multi-gigabyte file into memory.
      text_ = std::string_view(buffer_.data(), end_);
      const std::size_t field = starts_.empty() ? csv_error::no_field : starts_.size() - 1;
      spans_.clear();
      starts_.clear();
      fields_.clear();
      error_.reset();
      const std::string limit = std::to_string(options_.max_record_bytes) + " bytes";
      if (open_quote_ != npos)
        fail(csv_error_kind::record_too_long, open_quote_,
             "this quoted field is still open after " + limit +
                 ": expected a closing '\"' (is a quote left open?)");
      else
        fail(csv_error_kind::record_too_long, 0, "a record longer than " + limit + " (the longest accepted)");
      error_->field = open_quote_ != npos ? field : csv_error::no_field;
      done_ = true;
      return false;
    }
    capacity = std::min(capacity * 2, options_.max_record_bytes);
    buffer_.resize(capacity + 1 + slack);
  }
  const std::size_t wanted = capacity - end_;
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(wanted));
  const auto got = static_cast<std::size_t>(in_.gcount());
  end_ += got;
  buffer_[end_] = '\0';
  if (in_.bad()) {
    text_ = {};
    spans_.clear();
    starts_.clear();
    fields_.clear();
    error_.reset();
    error_ = csv_error{csv_error_kind::read_failed, line_, 0, "the file could not be read", csv_error::no_field};
    done_ = true;
    return false;
  }
  if (got < wanted) eof_ = true;  // read() stops short only at the end of the stream
  return true;
}

void csv_reader::fail(csv_error_kind kind, std::size_t at, std::string message) {
  if (error_) return;  // the first problem of a record is the one to fix first
  const csv_position where = locate(at);
  // The field being read is the last one started.
  const std::size_t field = starts_.empty() ? csv_error::no_field : starts_.size() - 1;
  error_ = csv_error{kind, where.line, where.column, std::move(message), field};
}

csv_position csv_reader::locate(std::size_t offset) const noexcept {
  // Columns count code points, as the diagnostic formatter does; a malformed
  // byte counts as one.
  const char* const record = buffer_.data() + begin_;
  const char* const end = record + offset;
  csv_position where{line_, 1};
  for (const char* p = record; p < end;) {
    if (*p == '\n') {
      ++where.line;
      where.column = 1;
      ++p;
      continue;
    }
    const int n = utf8_length(p, buffer_.data() + end_);
    p += n > 0 ? n : 1;
    ++where.column;
  }
  return where;
}

csv_position csv_reader::position(std::size_t i) {
  if (!positions_valid_) {
    // One pass over the record for all fields: starts_ is ascending.
    positions_.resize(starts_.size());
    const char* const record = text_.data();
    csv_position where{line_, 1};
    std::size_t k = 0;
    for (std::size_t at = 0; k < starts_.size() && at <= text_.size();) {
      if (at == starts_[k]) {
        positions_[k++] = where;
        continue;
      }
      if (at == text_.size()) break;  // unreachable: fields start within the record
      if (record[at] == '\n') {
        ++where.line;
        where.column = 1;
        ++at;
        continue;
      }
      const int n = utf8_length(record + at, record + text_.size());
      at += n > 0 ? static_cast<std::size_t>(n) : 1;
      ++where.column;
    }
    positions_valid_ = true;
  }
  return i < positions_.size() ? positions_[i] : csv_position{line_, 0};
}

std::optional<csv_position> csv_reader::position_of(const char* p) const noexcept {
  if (p < text_.data() || p > text_.data() + text_.size()) return std::nullopt;
  return locate(static_cast<std::size_t>(p - text_.data()));
}

std::string_view csv_reader::line_text(int n) const noexcept {
  std::string_view rest = text_;
  for (int at = line_; at < n; ++at) {
    const auto cut = rest.find('\n');
    if (cut == std::string_view::npos) return {};
    rest.remove_prefix(cut + 1);
  }
  if (n < line_) return {};
  rest = rest.substr(0, rest.find('\n'));
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  return rest;
}

}  // namespace rulebook::detail
