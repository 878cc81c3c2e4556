#include "cli/report_options.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "rulebook/period.hpp"

namespace rulebook::cli {
namespace {

namespace fs = std::filesystem;

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// A hidden name made from `base`, unique to this process and call: ".base.tmp-PID-N".
std::string temporary_name(const std::string& base) {
  static std::atomic<unsigned> counter{0};
  return "." + base + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

/// A temporary sibling of `path`, in the same folder (so that a rename moves it in place).
fs::path temporary_sibling(const fs::path& path) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  return folder / temporary_name(path.filename().string());
}

/// Writes `text` to a new file `path`; false, with the file removed, when any of it could not be written.
bool write_new_file(const fs::path& path, std::string_view text) {
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (file) file.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (file) file.close();
    if (file) return true;
  }
  std::error_code ignored;
  fs::remove(path, ignored);
  return false;
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

bool write_file_atomically(const fs::path& path, std::string_view text, std::ostream& err, std::string_view who) {
  const fs::path temp = temporary_sibling(path);
  if (!write_new_file(temp, text)) {
    err << who << ": cannot write " << path.string() << '\n';
    return false;
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    err << who << ": cannot write " << path.string() << ": " << ec.message() << '\n';
    std::error_code ignored;
    fs::remove(temp, ignored);
    return false;
  }
  return true;
}

std::unique_ptr<staged_folder> staged_folder::open(fs::path out, std::ostream& err, std::string_view who) {
  if (out.filename().empty() && out.has_parent_path()) out = out.parent_path();  // "results/" names "results"
  std::unique_ptr<staged_folder> s(new staged_folder(out, err, who));
  std::error_code ec;
  const fs::file_status status = fs::status(out, ec);
  s->exists_ = status.type() != fs::file_type::not_found;
  if (s->exists_ && !fs::is_directory(status)) return s->fail("not a folder"), nullptr;
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!s->exists_) {
    fs::create_directories(parent, ec);
    if (ec) return s->fail("cannot make the folder: " + ec.message()), nullptr;
  }
  // Nothing in `out` changes until every file is written.
  const fs::path stage = s->exists_ ? out / temporary_name("rulebook") : temporary_sibling(out);
  if (!fs::create_directory(stage, ec) || ec) return s->fail("cannot make a temporary folder: " + ec.message()), nullptr;
  s->stage_ = stage;
  return s;
}

staged_folder::~staged_folder() {
  if (stage_.empty()) return;
  std::error_code ignored;
  fs::remove_all(stage_, ignored);
}

bool staged_folder::fail(const std::string& why) {
  err_ << who_ << ": --out " << out_.string() << ": " << why << '\n';
  return false;
}

bool staged_folder::commit() {
  std::error_code ec;
  if (!exists_) {
    fs::rename(stage_, out_, ec);
    if (!ec) {
      stage_.clear();
      return true;
    }
    if (!fs::is_directory(out_)) return fail(ec.message());  // else `out` was made meanwhile: move the files in one by one
  }

  // Keep each file being replaced, as a hard link (or a copy) in the stage.
  struct replacement {
    fs::path from, to, kept;
    bool had_old = false, done = false;
  };
  std::vector<replacement> moves;
  for (const std::string& name : names_) {
    replacement m{stage_ / name, out_ / name, stage_ / (name + ".old"), false, false};
    std::error_code link_ec;
    if (fs::is_regular_file(m.to, link_ec)) {
      fs::create_hard_link(m.to, m.kept, link_ec);
      if (link_ec) fs::copy_file(m.to, m.kept, link_ec);
      if (link_ec) return fail("cannot keep " + name + " to put it back on failure: " + link_ec.message());
      m.had_old = true;
    }
    moves.push_back(std::move(m));
  }
  for (replacement& m : moves) {
    fs::rename(m.from, m.to, ec);
    if (!ec) {
      m.done = true;
      continue;
    }
    const std::string why = "cannot write " + m.to.filename().string() + ": " + ec.message();
    for (const replacement& back : moves) {  // put back what was replaced or added
      if (!back.done) continue;
      std::error_code ignored;
      if (back.had_old) fs::rename(back.kept, back.to, ignored);
      else fs::remove(back.to, ignored);
    }
    return fail(why + "; the folder is as it was");
  }
  return true;
}

}  // namespace rulebook::cli
