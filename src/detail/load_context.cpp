#include "detail/load_context.hpp"

#include <algorithm>

namespace rulebook::detail {

source_file::source_file(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::string_view source_file::line(int n) const noexcept {
  if (n < 1 || static_cast<std::size_t>(n) > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[static_cast<std::size_t>(n - 1)];
  std::size_t end = static_cast<std::size_t>(n) < line_starts_.size() ? line_starts_[static_cast<std::size_t>(n)] - 1
                                                                       : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;  // CRLF files quote without the CR
  return std::string_view(text_).substr(begin, end - begin);
}

const source_file& diagnostic_sink::add_file(std::string path, std::string text) {
  files_.push_back(std::make_unique<source_file>(std::move(path), std::move(text)));
  return *files_.back();
}

void diagnostic_sink::error(std::string code, source_location where, std::string message, std::string hint) {
  add(severity::error, std::move(code), std::move(where), std::move(message), std::move(hint));
}

void diagnostic_sink::warning(std::string code, source_location where, std::string message, std::string hint) {
  add(severity::warning, std::move(code), std::move(where), std::move(message), std::move(hint));
}

bool diagnostic_sink::has_errors() const noexcept { return rulebook::has_errors(diagnostics_); }

void diagnostic_sink::add(severity level, std::string code, source_location where, std::string message,
                          std::string hint) {
  add(diagnostic{level, std::move(code), std::move(where), std::move(message), std::move(hint), {}});
}

void diagnostic_sink::add(diagnostic d) {
  if (d.source_line.empty()) {
    auto file = std::find_if(files_.begin(), files_.end(), [&](const auto& f) { return f->path() == d.where.file; });
    if (file != files_.end()) d.source_line = std::string((*file)->line(d.where.line));
  }
  diagnostics_.push_back(std::move(d));
}

void source_map::set(std::string key, source_location where) { where_.insert_or_assign(std::move(key), std::move(where)); }

source_location source_map::find(std::string_view key) const {
  // `members[3].service[1].to` → `members[3].service[1]` → `members[3].service`
  // → `members[3]` → `members`: the nearest recorded ancestor.
  while (!key.empty()) {
    if (auto it = where_.find(key); it != where_.end()) return it->second;
    if (resolver_)
      if (std::optional<source_location> at = resolver_(key)) return std::move(*at);
    const auto cut = key.find_last_of(".[");
    if (cut == std::string_view::npos) break;
    key = key.substr(0, cut);
  }
  return {};
}

bool valid_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-' || ch == '.';
  });
}

}  // namespace rulebook::detail
