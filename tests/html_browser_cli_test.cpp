// The HTML report rendered by a real browser: Debian's chromium, headless, with
// no network and a fresh profile. The DOM it builds is checked for the county
// total, a team's name, a finding and the SVG charts, in both languages; a
// member named <script>alert(1)</script> must come out as text, never as an
// element. Screenshots are written to the build folder for people to look at
// (report-zh.png, report-en.png).
//
// CI installs chromium (cmake/install-deps.sh); without it these tests fail,
// unless the build was configured with -DRULEBOOK_SKIP_BROWSER_TEST=ON, which
// lets a developer's machine skip them. CI never sets it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "run_cli.hpp"

namespace {

using rulebook_test::contains;

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path build_dir() { return RULEBOOK_BINARY_DIR; }

/// A name for this test's own files: CTest runs the tests of this file at the same time.
std::string own(const std::string& what) {
  return std::string("browser-") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" + what;
}

/// The chromium found when the build was configured, if it is still there.
std::string chromium() {
  const std::string path = RULEBOOK_CHROMIUM;
  if (path.empty() || path.ends_with("-NOTFOUND") || !std::filesystem::exists(path)) return {};
  return path;
}

/// Skips (only where the build allows it) or fails when there is no chromium.
#define REQUIRE_CHROMIUM()                                                                                  \
  do {                                                                                                       \
    if (chromium().empty()) {                                                                                \
      if (RULEBOOK_SKIP_BROWSER_TEST) GTEST_SKIP() << "chromium is not installed (-DRULEBOOK_SKIP_BROWSER_TEST=ON)"; \
      FAIL() << "chromium is not installed: run cmake/install-deps.sh as root (Debian's chromium package), "    \
                "or configure with -DRULEBOOK_SKIP_BROWSER_TEST=ON to skip this test on a developer's machine"; \
    }                                                                                                        \
  } while (false)

/// Runs a shell command; its exit code.
int shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Writes the sample county's report in `lang` to the build folder; its path.
std::filesystem::path render(const std::string& lang, const std::string& data = "examples/qiyang/county.yaml",
                             const std::string& name = "") {
  const std::filesystem::path file = build_dir() / own("report-" + (name.empty() ? lang : name) + ".html");
  const std::string command = std::string("cd '") + RULEBOOK_SOURCE_DIR + "' && " + RULEBOOK_CLI +
                              " eval rules/qiyang-2019.yaml '" + data + "' --period 2019 --format html --lang " + lang +
                              " --generated-at 2020-01-07T09:30:00Z --quiet --out '" + file.string() + "'";
  EXPECT_EQ(shell(command), 0) << command;
  return file;
}

/// Chromium, headless, no network, a profile of its own, with `what` (--dump-dom or
/// --screenshot=…) on `page`; what it printed on standard output.
std::string browse(const std::filesystem::path& page, const std::string& what) {
  const std::filesystem::path profile = build_dir() / own("chromium-profile");
  std::filesystem::remove_all(profile);
  std::filesystem::create_directories(profile);
  const std::filesystem::path out = build_dir() / own("chromium.out");
  const std::string command =
      "timeout 180 '" + chromium() +
      "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
      " --disable-component-update --disable-sync --disable-dev-shm-usage --disable-extensions"
      " --proxy-server=127.0.0.1:9 --user-data-dir='" + profile.string() + "' --hide-scrollbars --window-size=1200,2400 " +
      what + " 'file://" + std::filesystem::absolute(page).string() + "' >'" + out.string() + "' 2>/dev/null </dev/null";
  EXPECT_EQ(shell(command), 0) << command;
  std::filesystem::remove_all(profile);
  return read(out);
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

}  // namespace

class browser : public ::testing::Test {};

TEST_F(browser, renders_the_chinese_report_with_its_figures_and_charts) {
  REQUIRE_CHROMIUM();
  const std::string dom = browse(render("zh"), "--dump-dom");
  ASSERT_TRUE(contains(dom, "<html lang=\"zh\">")) << dom.substr(0, 500);
  // County total owed (examples/qiyang/README.md): 954600 + 199782.60 + 43451.61 + 70000.
  EXPECT_TRUE(contains(dom, "<td class=\"n county-owed\">1267834.21</td>"));
  EXPECT_TRUE(contains(dom, "T01 日晖塘村"));  // a team's name
  // P11, a finding told through the catalogue.
  EXPECT_TRUE(contains(dom, "M010 肖红霞 交通费（2019-08）：应发 542.40 元，实发 406.80 元，少发 135.60 元"));
  // The charts, parsed as SVG: teams (7 bars), penalties, the quota.
  EXPECT_GE(count(dom, "<svg "), 3u);
  EXPECT_TRUE(std::regex_search(dom, std::regex("<figure id=\"team-chart\">(.|\\n)*?<rect x=\"[0-9]+\" y=\"[0-9]+\" width=\"[1-9][0-9]*\"")));
  EXPECT_EQ(count(dom, "<g class=\"bar\">"), 7u + 5u);  // 7 teams, and the 9 units' ledger less the 4 not charged
  EXPECT_FALSE(contains(dom, "<script"));
}

TEST_F(browser, renders_the_english_report_and_takes_a_screenshot_of_each) {
  REQUIRE_CHROMIUM();
  const std::filesystem::path page = render("en");
  const std::string dom = browse(page, "--dump-dom");
  ASSERT_TRUE(contains(dom, "<html lang=\"en\">")) << dom.substr(0, 500);
  EXPECT_TRUE(contains(dom, "<td class=\"n county-owed\">1267834.21</td>"));
  EXPECT_TRUE(contains(dom, "M014 曾庆华 living allowance for 2019-01: paid 2000.00 of 2500.00 owed, 500.00 short"));
  EXPECT_TRUE(contains(dom, "County totals by item"));
  for (const std::string lang : {"zh", "en"}) {
    const std::filesystem::path shot = build_dir() / ("report-" + lang + ".png");
    std::filesystem::remove(shot);
    browse(lang == "en" ? page : render("zh"), "--screenshot='" + shot.string() + "'");
    const std::string png = read(shot);
    ASSERT_GT(png.size(), 10000u) << shot;
    EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n") << shot;
  }
}

TEST_F(browser, a_member_named_script_stays_text) {
  REQUIRE_CHROMIUM();
  // The sample county with M001's name replaced (YAML: a double-quoted string).
  const std::filesystem::path data = build_dir() / "county-script-name.yaml";
  std::string county = read(std::filesystem::path(RULEBOOK_SOURCE_DIR) / "examples/qiyang/county.yaml");
  const std::string before = "  - id: M001\n    name: 唐志刚\n";
  const std::size_t at = county.find(before);
  ASSERT_NE(at, std::string::npos);
  county.replace(at, before.size(), "  - id: M001\n    name: \"<script>alert(1)</script>\"\n");
  std::ofstream(data, std::ios::binary) << county;
  const std::string dom = browse(render("zh", data.string(), "script-name"), "--dump-dom");
  ASSERT_TRUE(contains(dom, "<html lang=\"zh\">")) << dom.substr(0, 500);
  EXPECT_TRUE(contains(dom, "M001 &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(dom, "<script"));  // no element made of it
}
