// Choosing how to read a county from what a path is: a YAML file, a folder of
// YAML files, or a folder of CSV tables (docs/data-format.md). Reading never
// throws for a problem of the input: a missing path or an unreadable file is a
// diagnostic like any other.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "detail/limits.hpp"
#include "detail/load_context.hpp"
#include "detail/load_yaml.hpp"
#include "rulebook/diagnostic.hpp"
#include "rulebook/load.hpp"

namespace rulebook {
namespace detail {

std::string display_name(const std::filesystem::path& path) { return path.generic_string(); }

std::string size_text(std::uintmax_t bytes) {
  constexpr const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  std::uintmax_t tenths = bytes * 10;  // files are far below 2^60 bytes
  while (unit + 1 < std::size(units) && tenths >= 10240) {
    tenths /= 1024;
    ++unit;
  }
  std::string out = std::to_string(tenths / 10);
  if (unit > 0 && tenths % 10 != 0) {
    out += '.';
    out += static_cast<char>('0' + tenths % 10);
  }
  out += ' ';
  out += units[unit];
  return out;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path, diagnostic_sink& sink,
                                          std::uintmax_t max_bytes, std::string_view hint) {
  const source_location at{display_name(path), 0, 0, {}};
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::is_directory(status)) {
    sink.error("io-error", at, "this is a folder; expected a file");
    return std::nullopt;
  }
  if (!ec && status.type() != std::filesystem::file_type::not_found && !std::filesystem::is_regular_file(status)) {
    // A pipe, a device or a socket could block the reader or never end.
    sink.error("io-error", at, "not a regular file", "name a file on disk");
    return std::nullopt;
  }
  const auto too_large = [&](const std::string& size) {
    sink.error("too-large", at, "the file is " + size + "; at most " + size_text(max_bytes) + " is read",
               std::string(hint));
  };
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    too_large(std::to_string(size) + " bytes");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    sink.error("io-error", at, "cannot open the file for reading");
    return std::nullopt;
  }
  // Read in blocks, up to one byte past the bound, in case the file grew since
  // its size was taken.
  std::string text;
  if (!ec) text.reserve(static_cast<std::size_t>(size));
  char block[1 << 16];
  while (in && text.size() <= max_bytes) {
    in.read(block, sizeof block);
    text.append(block, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    sink.error("io-error", at, "cannot read the file");
    return std::nullopt;
  }
  if (text.size() > max_bytes) {
    too_large("over " + size_text(max_bytes));  // it grew while being read
    return std::nullopt;
  }
  return text;
}

namespace {

/// A county that could not be loaded for one reason about the path itself.
county_load_result failure(const std::filesystem::path& path, std::string code, std::string message,
                           std::string hint = {}) {
  diagnostic d;
  d.code = std::move(code);
  d.where.file = display_name(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return {std::nullopt, {std::move(d)}};
}

bool is_yaml_name(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

/// The names of a folder's files with an extension the loaders read.
struct folder_contents {
  std::vector<std::string> csv;
  std::vector<std::string> yaml;
};

std::optional<folder_contents> list_folder(const std::filesystem::path& folder, std::error_code& ec) {
  folder_contents out;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string name = p.filename().string();
    std::error_code type_ec;
    if (name.starts_with(".") || !it->is_regular_file(type_ec)) continue;
    if (p.extension() == ".csv") out.csv.push_back(name);
    if (is_yaml_name(p)) out.yaml.push_back(name);
  }
  if (ec) return std::nullopt;
  std::sort(out.csv.begin(), out.csv.end());
  std::sort(out.yaml.begin(), out.yaml.end());
  return out;
}

/// "county.csv, units.csv, …": a few names, enough to recognise the files.
std::string some_names(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 3;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) out += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > shown) out += ", …";
  return out;
}

county_load_result load_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  const std::optional<folder_contents> contents = list_folder(folder, ec);
  if (!contents) return failure(folder, "io-error", "cannot list the folder: " + ec.message());
  if (!contents->csv.empty() && !contents->yaml.empty())
    return failure(folder, "mixed-folder",
                   "the folder holds both CSV files (" + some_names(contents->csv) + ") and YAML files (" +
                       some_names(contents->yaml) + ")",
                   "a county folder holds either CSV tables or YAML files; move one kind elsewhere");
  if (!contents->csv.empty()) return load_county_csv(folder);
  if (!contents->yaml.empty()) return load_county_yaml_folder(folder);
  return failure(folder, "missing-section", "the folder holds no county data",
                 "expected *.yaml / *.yml files or *.csv tables (docs/data-format.md)");
}

county_load_result load_file(const std::filesystem::path& file) {
  const bool json = file.extension() == ".json";
  if (!is_yaml_name(file) && !json)
    return failure(file, "io-error", "cannot tell how to read this file",
                   "a county is a .yaml, .yml or .json file, or a folder of YAML files or CSV tables");
  diagnostic_sink sink;
  std::optional<std::string> text =
      read_text_file(file, sink, max_yaml_data_file_bytes,
                     "split the county into a folder of YAML files, or give it as CSV tables (docs/data-format.md)");
  if (!text) return {std::nullopt, std::move(sink.diagnostics())};
  return json ? load_county_json(*text, display_name(file)) : load_county_yaml(*text, display_name(file));
}

}  // namespace
}  // namespace detail

county_load_result load_county(const std::filesystem::path& path) {
  if (path.native().find("://") != std::string::npos)
    return detail::failure(path, "io-error", "this is a URL; rulebook reads a county from files only",
                           "download the data first, then name the file or folder");
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found)
    return detail::failure(path, "io-error", "no such file or folder");
  if (ec) return detail::failure(path, "io-error", "cannot read: " + ec.message());
  if (std::filesystem::is_directory(status)) return detail::load_folder(path);
  return detail::load_file(path);
}

county load_county_or_throw(const std::filesystem::path& path) {
  county_load_result loaded = load_county(path);
  if (!loaded) throw data_error(std::move(loaded.diagnostics));
  return std::move(*loaded.value);
}

}  // namespace rulebook
