#include "cli/report_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <system_error>

#include "rulebook/period.hpp"

namespace rulebook::cli {
namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

bool parse_report_option(std::span<const std::string_view> args, std::size_t& i, report_options& o, std::string& why) {
  const std::string_view a = args[i];
  if (a == "--quiet") {
    o.quiet = true;
    return true;
  }
  if (a != "--lang" && a != "--generated-at") return false;
  if (i + 1 >= args.size()) {
    why = "option " + std::string(a) + " needs a value";
    return true;
  }
  const std::string_view v = args[++i];
  if (a == "--lang") {
    o.lang = report::parse_language(v);
    if (!o.lang) why = "--lang: '" + std::string(v) + "' is not a language; use zh or en";
  } else {
    o.generated_at = check_timestamp(v, why);
    if (!o.generated_at) why = "--generated-at: " + why;
  }
  return true;
}

report::language resolve_language(const report_options& o) {
  if (o.lang) return *o.lang;
  return report::language_from_environment(std::getenv("LC_ALL"), std::getenv("LC_MESSAGES"), std::getenv("LANG"));
}

std::optional<std::string> check_timestamp(std::string_view text, std::string& why) {
  const auto bad = [&]() -> std::optional<std::string> {
    std::string message(1, '\'');
    message.append(text).append("' is not a time; use 2020-01-07T09:30:00Z, 2020-01-07T17:30:00+08:00 or 2020-01-07");
    why = std::move(message);
    return std::nullopt;
  };
  if (text.size() < 10 || !parse_date(text.substr(0, 10))) return bad();
  if (text.size() == 10) return std::string(text);
  // THH:MM:SS then Z or ±HH:MM
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return bad();
  const auto field = [&](std::size_t at, int max) {
    const std::string_view f = text.substr(at, 2);
    return digits(f) && std::stoi(std::string(f)) <= max;
  };
  if (!field(11, 23) || !field(14, 59) || !field(17, 59)) return bad();
  const std::string_view zone = text.substr(19);
  if (zone == "Z") return std::string(text);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && field(20, 14) && field(23, 59))
    return std::string(text);
  return bad();
}

std::string utc_timestamp(long long seconds) {
  const long long days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const long long rest = seconds - days * 86400;
  const date d = date(1970, 1, 1) + boost::gregorian::days(days);
  const auto two = [](long long n) {
    std::string s = std::to_string(n);
    if (s.size() < 2) s.insert(s.begin(), '0');
    return s;
  };
  return to_string(d) + "T" + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60) + "Z";
}

std::optional<std::string> resolve_generated_at(const report_options& o, std::string& why) {
  if (o.generated_at) return o.generated_at;
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr) {
    const std::string_view v(epoch);
    // Reproducible builds: "If the value is malformed, the build process SHOULD exit with a non-zero error code."
    if (!digits(v) || v.size() > 12) {
      why = "SOURCE_DATE_EPOCH: '" + std::string(v) + "' is not a whole number of seconds since 1970-01-01";
      return std::nullopt;
    }
    return utc_timestamp(std::stoll(std::string(v)));
  }
  const auto now = std::chrono::system_clock::now();
  return utc_timestamp(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

bool write_file_atomically(const std::filesystem::path& path, std::string_view text, std::ostream& err,
                           std::string_view who) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const std::filesystem::path temp = folder / name;
  std::error_code ignored;
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (file) file.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (file) file.close();
    if (!file) {
      err << who << ": cannot write " << path.string() << '\n';
      std::filesystem::remove(temp, ignored);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    err << who << ": cannot write " << path.string() << ": " << ec.message() << '\n';
    std::filesystem::remove(temp, ignored);
    return false;
  }
  return true;
}

}  // namespace rulebook::cli
