// Synthetic counties (rulebook/generate.hpp; the distributions and planted
// failures are documented in docs/generate.md).
//
// The county is made town by town. A town is a group of 6–14 teams whose
// members move only among themselves, drawn from its own splitmix64 stream
// (seeded by the seed and the town's number), so that one town's rows are
// written before the next is made and a run holds one town in memory. Units
// come first (every team names one), meetings last: a meeting's attendees are
// collected, while the towns are written, into one scratch file per meeting
// and copied into meetings.csv at the end.
//
// Dates are day numbers (days since 1970-01-01, Hinnant's civil calendar
// algorithms) inside the generator: integer arithmetic only, so the output is
// the same on every machine.
#include "rulebook/generate.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace rulebook {
namespace {

namespace fs = std::filesystem;
using detail::splitmix64;

// ---- calendar --------------------------------------------------------------------------

constexpr std::int32_t open_end = INT32_MAX;

/// Days since 1970-01-01 of y-m-d (proleptic Gregorian).
constexpr std::int32_t day_number(int y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct civil {
  int y, m, d;
};

constexpr civil civil_of(std::int32_t z) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr int month_days(int y, int m) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : days[m - 1];
}

/// The same day a year later (29 February → 28 February).
constexpr std::int32_t a_year_after(std::int32_t day) noexcept {
  const civil c = civil_of(day);
  return day_number(c.y + 1, c.m, std::min(c.d, month_days(c.y + 1, c.m)));
}

struct span {
  std::int32_t first, last;  // inclusive
  [[nodiscard]] std::int32_t days() const noexcept { return last - first + 1; }
};

constexpr bool overlap(span a, span b, span& out) noexcept {
  out = {std::max(a.first, b.first), std::min(a.last, b.last)};
  return out.first <= out.last;
}

// ---- what the data says, in words -------------------------------------------------------

constexpr std::string_view surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
    "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
    "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔",
    "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦"};
constexpr std::string_view given_names[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
    "霞", "平", "刚", "桂", "英", "华", "建", "国", "志", "红", "林", "春", "燕", "晓", "梅", "海", "波", "辉",
    "玲", "斌", "宇", "浩", "凯", "鹏", "俊", "帆", "婷", "琳", "雪", "文", "亮", "成", "东", "兰", "云", "峰",
    "龙", "莉", "飞", "欣", "彬", "丹", "萍", "鑫", "健", "荣", "宁", "新", "利", "清", "佳", "阳", "慧", "蓉"};
constexpr std::string_view place_first[] = {
    "青", "石", "黄", "白", "大", "小", "新", "龙", "凤", "金", "银", "桃", "李", "梅", "松", "竹", "柏", "枫",
    "双", "三", "九", "长", "高", "上", "下", "东", "西", "南", "北", "中", "红", "绿", "清", "平", "安", "太",
    "永", "兴", "和", "富", "丰", "茶", "杨", "柳", "沙", "泉", "马", "牛"};
constexpr std::string_view place_second[] = {
    "山", "水", "塘", "桥", "坪", "冲", "湾", "田", "岭", "溪", "江", "河", "湖", "洲", "坡", "岗", "林", "园",
    "源", "口", "坳", "垅", "家", "屋", "铺", "市", "阳", "峰", "石", "竹", "木", "花", "禾", "泥", "井", "滩"};
constexpr std::string_view departments[] = {
    "县财政局", "县教育局", "县人社局", "县卫生健康局", "县农业农村局", "县自然资源局", "县住建局",
    "县交通运输局", "县水利局", "县商务局", "县民政局", "县司法局", "县公安局", "县审计局", "县统计局",
    "县林业局", "县应急管理局", "县市场监管局", "县文旅广体局", "县生态环境局", "县发改局", "县工信局",
    "县医保局", "县退役军人事务局", "县委组织部", "县委宣传部", "县委统战部", "县纪委监委", "团县委",
    "县妇联", "县总工会", "县科协", "县残联", "县人大办", "县政协办", "县委办", "县政府办", "县信访局",
    "县税务局", "县气象局", "县供销社", "县档案局", "县乡村振兴局", "县城管局", "县行政审批局"};
constexpr std::string_view institutions[] = {"县委党校", "县人民医院", "县中医医院", "县第一中学", "县职业中专",
                                             "县疾控中心", "县融媒体中心", "县档案馆", "县图书馆", "县妇幼保健院",
                                             "县农科所", "县水文站"};
constexpr std::string_view enterprises[] = {"县供电公司", "县农商银行", "县邮政分公司", "县烟草公司",
                                            "县自来水公司", "县移动分公司", "县电信分公司", "县城投公司",
                                            "县交通建设投资公司", "县粮食储备公司"};
constexpr std::string_view others[] = {"县红十字会", "县工商联", "县慈善总会", "县个体劳动者协会"};
constexpr std::string_view insurers[] = {"中国人寿", "中国人保", "平安保险", "太平洋保险",
                                         "太平保险",  "新华保险", "泰康保险"};
constexpr std::string_view kit_items[] = {"computer", "printer", "desk_set", "water_heater", "kitchen_set", "bedding_set"};
constexpr std::string_view reasons[] = {"serious_illness", "injury_on_duty", "family_hardship"};

template <std::size_t N>
std::string_view pick(splitmix64& rng, const std::string_view (&pool)[N]) {
  return pool[rng.below(N)];
}

/// A two- or three-character place name from the pools, then `suffix` (村, 镇).
std::string place_name(splitmix64& rng, std::string_view suffix) {
  std::string s(pick(rng, place_first));
  if (rng.below(4) == 0) s += pick(rng, place_first);
  s += pick(rng, place_second);
  s += suffix;
  return s;
}

// ---- writing tables ---------------------------------------------------------------------

struct file_closer {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

[[noreturn]] void fail_io(const fs::path& path, const char* what) {
  throw std::system_error(errno, std::generic_category(), std::string("rulebook gen: cannot ") + what + " " + path.string());
}

/// One CSV table, written through a buffer of about a megabyte. Cells here never
/// need quoting: ids, numbers, dates, and names without commas or quotes.
class table_file {
 public:
  table_file(fs::path path, std::string_view header) : path_(std::move(path)) {
    file_.reset(std::fopen(path_.c_str(), "wb"));
    if (!file_) fail_io(path_, "create");
    buffer_.reserve(flush_at + 4096);
    buffer_ += header;
    buffer_ += '\n';
  }
  table_file(const table_file&) = delete;
  table_file& operator=(const table_file&) = delete;

  table_file& text(std::string_view s) {
    buffer_ += s;
    return *this;
  }
  table_file& comma() {
    buffer_ += ',';
    return *this;
  }
  table_file& integer(std::int64_t n) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    buffer_.append(digits, end);
    return *this;
  }
  /// An id: the prefix, then `n` zero-padded to `width` digits (U0042).
  table_file& id(char prefix, std::uint64_t n, int width) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    buffer_ += prefix;
    buffer_.append(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, width - (end - digits))), '0');
    buffer_.append(digits, end);
    return *this;
  }
  table_file& date(std::int32_t day) {
    const civil c = civil_of(day);
    char s[10] = {static_cast<char>('0' + c.y / 1000), static_cast<char>('0' + c.y / 100 % 10),
                  static_cast<char>('0' + c.y / 10 % 10), static_cast<char>('0' + c.y % 10), '-',
                  static_cast<char>('0' + c.m / 10), static_cast<char>('0' + c.m % 10), '-',
                  static_cast<char>('0' + c.d / 10), static_cast<char>('0' + c.d % 10)};
    buffer_.append(s, sizeof s);
    return *this;
  }
  /// An amount in fen, as the county's exports write it: 2200, 463.20.
  table_file& fen(std::int64_t fen) {
    integer(fen / 100);
    if (fen % 100 != 0) {
      buffer_ += '.';
      buffer_ += static_cast<char>('0' + fen % 100 / 10);
      buffer_ += static_cast<char>('0' + fen % 10);
    }
    return *this;
  }
  /// A number of tenths with its one decimal: 38.6, 92.0.
  table_file& tenths(std::int64_t tenths) {
    integer(tenths / 10);
    buffer_ += '.';
    buffer_ += static_cast<char>('0' + tenths % 10);
    return *this;
  }
  void end_row() {
    buffer_ += '\n';
    ++rows_;
    if (buffer_.size() >= flush_at) flush();
  }
  /// Appends the bytes of `from` (a scratch file) to the current row.
  void copy_from(std::FILE* from) {
    flush();
    char chunk[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(chunk, 1, sizeof chunk, from)) > 0) write(chunk, n);
    if (std::ferror(from)) fail_io(path_, "copy a meeting's attendees into");
  }
  generated_table close() {
    flush();
    if (std::fclose(file_.release()) != 0) fail_io(path_, "write");
    return {path_.filename().string(), rows_, bytes_};
  }

 private:
  static constexpr std::size_t flush_at = std::size_t{1} << 20;
  void write(const char* data, std::size_t n) {
    if (std::fwrite(data, 1, n, file_.get()) != n) fail_io(path_, "write");
    bytes_ += n;
  }
  void flush() {
    write(buffer_.data(), buffer_.size());
    buffer_.clear();
  }

  fs::path path_;
  file_ptr file_;
  std::string buffer_;
  std::uint64_t rows_ = 0, bytes_ = 0;
};

/// The tables, in docs/data-format.md's order.
constexpr std::string_view table_names[] = {"county.csv",   "units.csv",     "teams.csv",         "kit.csv",
                                            "funds.csv",    "members.csv",   "service.csv",       "insurance.csv",
                                            "health_checks.csv", "assessments.csv", "months.csv", "visits.csv",
                                            "meetings.csv", "condolences.csv"};
constexpr std::string_view scratch_prefix = ".rulebook-gen-meeting-";

// ---- the county, town by town -------------------------------------------------------------

constexpr int unit_kinds = 5;
constexpr std::string_view unit_kind_names[unit_kinds] = {"county_department", "institution", "township", "enterprise",
                                                          "other"};

/// A member's stretch in one team of the town; `to` is open_end when open.
struct stint {
  std::uint32_t team;  // index in the town
  std::int32_t from, to;
};

struct town_member {
  std::uint64_t number = 0;
  std::uint64_t unit = 0;
  int role = 0;  // 0 member, 1 leader, 2 first_secretary
  int stints = 0;
  std::array<stint, 2> stint_of{};

  [[nodiscard]] std::int32_t start() const noexcept { return stint_of[0].from; }
  [[nodiscard]] std::int32_t end() const noexcept { return stint_of[static_cast<std::size_t>(stints - 1)].to; }
  [[nodiscard]] bool serves_on(std::int32_t day) const noexcept {
    for (int i = 0; i < stints; ++i)
      if (stint_of[static_cast<std::size_t>(i)].from <= day && day <= stint_of[static_cast<std::size_t>(i)].to) return true;
    return false;
  }
  [[nodiscard]] bool serves_in(span s) const noexcept { return start() <= s.last && end() >= s.first; }
};

struct town_team {
  std::uint64_t number = 0;
  std::int64_t distance_tenths = 0;
  std::uint64_t lead = 0;
  std::array<std::uint64_t, 2> sponsor{};
  int sponsors = 0;
};

/// A meeting of the year: attendees are collected in a scratch file while the
/// towns are written.
struct meeting_session {
  std::int32_t day = 0;
  bool leaders = false;
  fs::path scratch;
  file_ptr file;
  std::uint64_t attendees = 0;

  void attend(std::string_view id) {
    if (attendees++ != 0) std::fputc(';', file.get());
    std::fwrite(id.data(), 1, id.size(), file.get());
  }
};

int digits(std::uint64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

/// Half-up division of non-negative a by positive b: how the engine rounds a
/// member-month's share to the fen.
constexpr std::int64_t half_up(std::int64_t a, std::int64_t b) noexcept { return (2 * a + b) / (2 * b); }

class generator {
 public:
  generator(const generate_options& o, const fs::path& folder) : o_(o), r_(o.rates), folder_(folder) {
    const int y = o.year;
    year_ = {day_number(y, 1, 1), day_number(y, 12, 31)};
    for (int q = 0; q < 4; ++q) quarter_[q] = {day_number(y, 3 * q + 1, 1), day_number(y, 3 * q + 3, month_days(y, 3 * q + 3))};
    half_[0] = {year_.first, day_number(y, 6, 30)};
    half_[1] = {day_number(y, 7, 1), year_.last};
    for (int m = 0; m < 12; ++m) {
      month_[m] = {day_number(y, m + 1, 1), day_number(y, m + 1, month_days(y, m + 1))};
      month_text_[m] = std::to_string(y) + (m < 9 ? "-0" : "-") + std::to_string(m + 1);
    }
    units_ = o.teams * 3 / 4 + 2;
    unit_width_ = digits(units_);
    team_width_ = digits(o.teams);
    member_width_ = digits(o.teams * o.members_per_team * 2);  // every place held by two members at most
  }

  generator(const generator&) = delete;
  generator& operator=(const generator&) = delete;
  ~generator() {  // scratch files left by a failed run
    for (meeting_session& s : sessions_) {
      s.file.reset();
      std::error_code ignored;
      fs::remove(s.scratch, ignored);
    }
  }

  generate_report run() {
    open_sessions();
    table_file county(folder_ / "county.csv", "id,name,province");
    county.text("synthetic-").integer(static_cast<std::int64_t>(o_.seed % 1'000'000'000'000ull)).comma();
    county.text("合成县").comma().text("湖南省").end_row();
    report_.tables.push_back(county.close());
    write_units();

    table_file teams(folder_ / "teams.csv", "id,village,town,lead_unit,sponsor_units,distance_km");
    table_file kit(folder_ / "kit.csv", "team,item,since,until");
    table_file funds(folder_ / "funds.csv", "team,date,amount,from");
    table_file members(folder_ / "members.csv", "id,name,role,unit,team");
    table_file service(folder_ / "service.csv", "member,team,from,to");
    table_file insurance(folder_ / "insurance.csv", "member,cover,from,to,insurer");
    table_file checks(folder_ / "health_checks.csv", "member,date,cost");
    table_file assessments(folder_ / "assessments.csv", "member,year,score,grade");
    table_file months(folder_ / "months.csv",
                      "member,month,days_in_village,round_trips,days_away_on_duty,paid_living,paid_transport,"
                      "paid_communication");
    table_file visits(folder_ / "visits.csv", "date,visitor,unit,team");
    table_file condolences(folder_ / "condolences.csv", "date,member,reason,amount,paid_by");
    out_ = {&teams, &kit, &funds, &members, &service, &insurance, &checks, &assessments, &months, &visits, &condolences};

    splitmix64 sizes(stream(2, 0));
    for (std::uint64_t first = 0; first < o_.teams; ++report_.towns) {
      const std::uint64_t size = std::min<std::uint64_t>(static_cast<std::uint64_t>(sizes.between(6, 14)), o_.teams - first);
      write_town(report_.towns, first, size);
      first += size;
      if (o_.progress) o_.progress(first, o_.teams);
    }
    for (table_file* t : {&teams, &kit, &funds, &members, &service, &insurance, &checks, &assessments, &months})
      report_.tables.push_back(t->close());
    generated_table visit_table = visits.close();
    generated_table condolence_table = condolences.close();
    report_.tables.push_back(std::move(visit_table));
    report_.tables.push_back(write_meetings());
    report_.tables.push_back(std::move(condolence_table));
    report_.units = units_;
    report_.teams = o_.teams;
    report_.chances.teams = o_.teams;
    return std::move(report_);
  }

 private:
  struct tables {
    table_file *teams, *kit, *funds, *members, *service, *insurance, *checks, *assessments, *months, *visits,
        *condolences;
  };

  /// The seed of stream `index` of kind `kind` (0 units, 1 towns, 2 town sizes).
  [[nodiscard]] std::uint64_t stream(std::uint64_t kind, std::uint64_t index) const {
    splitmix64 mix(o_.seed ^ (kind * 0xD1B54A32D192ED03ull));
    const std::uint64_t base = mix.next();
    splitmix64 at(base + index * 0x9E3779B97F4A7C15ull);
    return at.next();
  }

  void open_sessions() {
    const int y = o_.year;
    // Two sittings of each meeting: the main one late in the period, attended by
    // everyone serving then, and an early one for those who leave before it.
    // Members leave on the 10th–19th and their successors start on the
    // 11th–20th, so everyone serving in a period serves on one of the two days.
    for (int q = 0; q < 4; ++q) {
      sessions_.push_back({day_number(y, 3 * q + 1, 8), true, {}, {}, 0});
      sessions_.push_back({day_number(y, 3 * q + 3, 21), true, {}, {}, 0});
    }
    for (int h = 0; h < 2; ++h) {
      sessions_.push_back({day_number(y, 6 * h + 1, 8), false, {}, {}, 0});
      sessions_.push_back({day_number(y, 6 * h + 6, 21), false, {}, {}, 0});
    }
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
      meeting_session& s = sessions_[i];
      s.scratch = folder_ / (std::string(scratch_prefix) + std::to_string(i) + ".tmp");
      s.file.reset(std::fopen(s.scratch.c_str(), "w+b"));
      if (!s.file) fail_io(s.scratch, "create");
    }
  }

  void write_units() {
    table_file units(folder_ / "units.csv", "id,name,kind");
    splitmix64 rng(stream(0, 0));
    std::array<std::uint64_t, unit_kinds> used{};
    for (std::uint64_t u = 0; u < units_; ++u) {
      const std::uint64_t r = rng.below(100);
      const int kind = r < 55 ? 0 : r < 75 ? 1 : r < 87 ? 2 : r < 97 ? 3 : 4;
      std::string name;
      std::uint64_t round = 0;
      const auto from = [&](std::span<const std::string_view> pool) {
        name = pool[used[static_cast<std::size_t>(kind)] % pool.size()];
        round = used[static_cast<std::size_t>(kind)] / pool.size();
      };
      switch (kind) {
        case 0: from(departments); break;
        case 1: from(institutions); break;
        case 3: from(enterprises); break;
        case 4: from(others); break;
        default: name = place_name(rng, "镇"); break;
      }
      ++used[static_cast<std::size_t>(kind)];
      if (round > 0) name += "·" + std::to_string(round + 1);  // a big county: 县财政局·2
      units.id('U', u + 1, unit_width_).comma().text(name).comma().text(unit_kind_names[kind]).end_row();
    }
    report_.tables.push_back(units.close());
  }

  std::string member_id(std::uint64_t number) const {
    std::string s = "M";
    const std::string n = std::to_string(number);
    s.append(static_cast<std::size_t>(std::max(0, member_width_ - static_cast<int>(n.size()))), '0');
    return s + n;
  }

  /// A day in the year's month `m` (0-based), on the 10th–19th: when people leave.
  std::int32_t leaving_day(splitmix64& rng) const {
    const int m = static_cast<int>(rng.below(12));
    return month_[m].first + static_cast<std::int32_t>(rng.between(9, 18));
  }

  static std::int32_t day_in(splitmix64& rng, span s) { return static_cast<std::int32_t>(rng.between(s.first, s.last)); }

  /// The unit that dispatches a new member of `t`: its lead unit mostly, else a sponsor.
  static std::uint64_t dispatching_unit(splitmix64& rng, const town_team& t) {
    if (t.sponsors == 0 || rng.below(100) < 60) return t.lead;
    return t.sponsor[rng.below(static_cast<std::uint64_t>(t.sponsors))];
  }

  void write_town(std::uint64_t town, std::uint64_t first_team, std::uint64_t size) {
    splitmix64 rng(stream(1, town));
    const std::string town_name = place_name(rng, "镇");
    teams_.clear();
    people_.clear();
    for (std::uint64_t k = 0; k < size; ++k) write_team(rng, town_name, first_team + k);

    // Places: each held all year, or left mid-month (the successor starts the
    // next day), or its holder moves to another team of the town (and a
    // successor takes the place).
    for (std::uint32_t ti = 0; ti < teams_.size(); ++ti) {
      const town_team& t = teams_[ti];
      for (std::size_t place = 0; place < o_.members_per_team; ++place) {
        town_member m;
        m.number = ++members_made_;
        m.unit = dispatching_unit(rng, t);
        m.role = place == 0 ? (rng.below(2) == 0 ? 2 : 1) : 0;
        const std::uint64_t r = rng.below(1'000'000);
        const bool leaves = r < r_.leaves;
        const bool moves = !leaves && m.role == 0 && teams_.size() > 1 && r < std::uint64_t{r_.leaves} + r_.moves;
        const std::int32_t y = o_.year;
        std::int32_t start = 0;
        if (leaves && rng.chance(r_.term_cut_short)) {
          start = day_in(rng, {day_number(y - 1, 1, 1), day_number(y - 1, 6, 30)});  // under two years when it ends
          ++report_.planted.terms_cut_short;
        } else if (leaves) {
          start = day_in(rng, {day_number(y - 5, 1, 1), day_number(y - 2, 1, 1)});
        } else {
          start = day_in(rng, {day_number(y - 3, 1, 1), day_number(y - 1, 12, 31)});
        }
        if (!leaves && !moves) {
          m.stints = 1;
          m.stint_of[0] = {ti, start, open_end};
          people_.push_back(m);
          continue;
        }
        const std::int32_t last = leaving_day(rng);
        m.stints = 1;
        m.stint_of[0] = {ti, start, last};
        if (moves) {
          std::uint32_t to = static_cast<std::uint32_t>(rng.below(teams_.size() - 1));
          if (to >= ti) ++to;
          m.stints = 2;
          m.stint_of[1] = {to, last + 1, open_end};
          ++report_.chances.movers;
        } else {
          ++report_.chances.leavers;
        }
        people_.push_back(m);
        town_member next;
        next.number = ++members_made_;
        next.unit = dispatching_unit(rng, t);
        next.role = place == 0 ? (rng.below(2) == 0 ? 2 : 1) : 0;
        next.stints = 1;
        next.stint_of[0] = {ti, last + 1, open_end};
        people_.push_back(next);
      }
    }
    in_team_.resize(teams_.size());
    for (std::vector<std::uint32_t>& list : in_team_) list.clear();
    for (std::uint32_t i = 0; i < people_.size(); ++i)
      for (int s = 0; s < people_[i].stints; ++s) in_team_[people_[i].stint_of[static_cast<std::size_t>(s)].team].push_back(i);
    for (const town_member& m : people_) write_member(rng, m);
    for (std::uint32_t ti = 0; ti < teams_.size(); ++ti) write_visits(rng, ti);
  }

  void write_team(splitmix64& rng, const std::string& town_name, std::uint64_t index) {
    const std::int32_t y = o_.year;
    town_team t;
    t.number = index + 1;
    // 1.0–300.0 km, most villages near: the least of three uniform draws (mean about 76 km).
    t.distance_tenths = 10 + static_cast<std::int64_t>(std::min({rng.below(2991), rng.below(2991), rng.below(2991)}));
    t.lead = index % units_;
    const std::uint64_t n = rng.below(10);
    const int want = n < 3 ? 0 : n < 8 ? 1 : 2;
    for (int k = 0; k < want * 4 && t.sponsors < want; ++k) {
      const std::uint64_t u = rng.below(units_);
      if (u == t.lead || (t.sponsors == 1 && t.sponsor[0] == u)) continue;
      t.sponsor[static_cast<std::size_t>(t.sponsors++)] = u;
    }
    teams_.push_back(t);

    table_file& out = *out_.teams;
    out.id('T', t.number, team_width_).comma().text(place_name(rng, "村")).comma().text(town_name).comma();
    out.id('U', t.lead + 1, unit_width_).comma();
    for (int k = 0; k < t.sponsors; ++k) {
      if (k) out.text(";");
      out.id('U', t.sponsor[static_cast<std::size_t>(k)] + 1, unit_width_);
    }
    out.comma().tenths(t.distance_tenths).end_row();

    // The six-item kit, on hand since before the year; one item may be missing,
    // removed or late.
    const std::uint64_t r = rng.below(1'000'000);
    const int failure = r < r_.kit_item_missing                                              ? 1
                        : r < std::uint64_t{r_.kit_item_missing} + r_.kit_item_removed          ? 2
                        : r < std::uint64_t{r_.kit_item_missing} + r_.kit_item_removed + r_.kit_item_late ? 3
                                                                                                 : 0;
    const std::uint64_t odd_item = rng.below(6);
    const span inside{day_number(y, 2, 1), day_number(y, 11, 30)};
    for (std::uint64_t item = 0; item < 6; ++item) {
      std::int32_t since = day_in(rng, {day_number(y - 3, 1, 1), day_number(y - 1, 12, 31)});
      std::int32_t until = open_end;
      if (failure != 0 && item == odd_item) {
        if (failure == 1) continue;
        if (failure == 2) until = day_in(rng, inside);
        if (failure == 3) since = day_in(rng, inside);
      }
      out_.kit->id('T', t.number, team_width_).comma().text(kit_items[item]).comma().date(since).comma();
      if (until != open_end) out_.kit->date(until);
      out_.kit->end_row();
    }
    report_.planted.kit_items_missing += failure == 1;
    report_.planted.kit_items_removed += failure == 2;
    report_.planted.kit_items_late += failure == 3;

    // Work funds: 10000 in one or two receipts, from the lead unit or the county.
    const auto receipt = [&](std::int32_t on, std::int64_t yuan) {
      out_.funds->id('T', t.number, team_width_).comma().date(on).comma().integer(yuan).comma();
      if (rng.below(4) != 0) out_.funds->id('U', t.lead + 1, unit_width_);
      out_.funds->end_row();
    };
    const span spring{day_number(y, 2, 1), day_number(y, 6, 30)}, autumn{day_number(y, 7, 1), day_number(y, 11, 30)};
    if (rng.chance(r_.funds_short)) {
      receipt(day_in(rng, spring), 5000 + 1000 * static_cast<std::int64_t>(rng.below(4)));
      ++report_.planted.funds_short;
    } else if (rng.below(5) != 0) {
      receipt(day_in(rng, spring), 10000);
    } else {
      const std::int64_t part = 5000 + 1000 * static_cast<std::int64_t>(rng.below(3));
      receipt(day_in(rng, spring), part);
      receipt(day_in(rng, autumn), 10000 - part);
    }
  }

  void write_member(splitmix64& rng, const town_member& m) {
    const std::int32_t y = o_.year;
    const std::string id = member_id(m.number);
    const tables& out = out_;
    const town_team& home = teams_[m.stint_of[0].team];
    ++report_.members;
    ++report_.chances.members;

    std::string name(pick(rng, surnames));
    name += pick(rng, given_names);
    if (rng.below(3) != 0) name += pick(rng, given_names);
    constexpr std::string_view roles[] = {"member", "leader", "first_secretary"};
    out.members->text(id).comma().text(name).comma().text(roles[m.role]).comma();
    out.members->id('U', m.unit + 1, unit_width_).comma().id('T', home.number, team_width_).end_row();
    for (int s = 0; s < m.stints; ++s) {
      const stint& st = m.stint_of[static_cast<std::size_t>(s)];
      out.service->text(id).comma();
      if (st.team != m.stint_of[0].team) out.service->id('T', teams_[st.team].number, team_width_);
      out.service->comma().date(st.from).comma();
      if (st.to != open_end) out.service->date(st.to);
      out.service->end_row();
    }

    // The member's service in the year: one unbroken run (a move joins two stints).
    const span served{std::max(m.start(), year_.first), std::min(m.end(), year_.last)};
    const bool whole_year = served.first == year_.first && served.last == year_.last;
    report_.chances.members_whole_year += whole_year;

    // Accident insurance: around the 200000 minimum, many exactly at it.
    const std::uint64_t ri = rng.below(1'000'000);
    const bool under = ri < r_.under_insured;
    const bool lapse = !under && whole_year && ri < std::uint64_t{r_.under_insured} + r_.insurance_lapse;
    std::int64_t cover = 0;
    if (under) {
      constexpr std::int64_t low[] = {100000, 150000, 180000};
      cover = low[rng.below(3)];
      ++report_.planted.under_insured;
    } else {
      const std::uint64_t c = rng.below(100);
      cover = c < 55 ? 200000 : c < 85 ? 300000 : c < 95 ? 500000 : 1000000;
    }
    const std::string_view insurer = pick(rng, insurers);
    const auto policy = [&](std::int32_t from, std::int32_t to) {
      out.insurance->text(id).comma().integer(cover).comma().date(from).comma().date(to).comma().text(insurer).end_row();
    };
    if (lapse) {
      // The policy ends and the next is bought 1–60 days late.
      const std::int32_t gap = day_in(rng, {day_number(y, 2, 1), day_number(y, 11, 1)});
      const std::int32_t next = gap + static_cast<std::int32_t>(rng.between(1, 60));
      policy(year_.first, gap - 1);
      policy(next, a_year_after(next) - 1);
      ++report_.planted.insurance_lapses;
    } else if (m.start() > year_.first) {
      policy(m.start(), a_year_after(m.start()) - 1);
    } else if (rng.below(10) < 7) {
      policy(year_.first, year_.last);
    } else {  // renewed each year on the day it was first bought
      const std::int32_t from = day_in(rng, {day_number(y - 1, 1, 2), day_number(y - 1, 12, 31)});
      policy(from, a_year_after(from) - 1);
      policy(a_year_after(from), a_year_after(a_year_after(from)) - 1);
    }

    // The year's health check: at least 500, many exactly 500.
    const std::uint64_t rh = rng.below(1'000'000);
    const bool cheap = rh < r_.cheap_health_check;
    const bool none = !cheap && rh < std::uint64_t{r_.cheap_health_check} + r_.no_health_check;
    const std::int32_t check_day = day_in(rng, served);
    const std::int64_t cost = cheap ? 300 + 10 * static_cast<std::int64_t>(rng.below(20))
                              : rng.below(10) < 3 ? 500
                                                  : 510 + 10 * static_cast<std::int64_t>(rng.below(70));
    if (none) {
      ++report_.planted.no_health_checks;
      const civil c = civil_of(check_day);
      const std::int32_t last_year = day_number(c.y - 1, c.m, std::min(c.d, month_days(c.y - 1, c.m)));
      if (m.start() <= last_year && rng.below(2) == 0)  // only last year's
        out.checks->text(id).comma().date(last_year).comma().integer(cost).end_row();
    } else {
      out.checks->text(id).comma().date(check_day).comma().integer(cost).end_row();
      report_.planted.cheap_health_checks += cheap;
    }

    // The year's assessment.
    std::int64_t score = 0;
    std::string_view grade;
    if (rng.chance(r_.excellent_proposed)) {
      score = rng.between(900, 990);
      grade = "excellent";
      ++report_.planted.excellent_proposed;
    } else {
      const std::uint64_t g = rng.below(100);
      if (g < 90) {
        score = rng.between(800, 920);
        grade = "competent";
      } else if (g < 97) {
        score = rng.between(700, 799);
        grade = "basically_competent";
      } else {
        score = rng.between(550, 699);
        grade = "incompetent";
      }
    }
    out.assessments->text(id).comma().integer(y).comma().tenths(score).comma().text(grade).end_row();

    write_months(rng, m, id);

    // Meetings: every member attends a members' forum each half-year served,
    // leaders a leaders' meeting each quarter served, unless a miss is planted.
    for (int h = 0; h < 2; ++h) {
      if (!m.serves_in(half_[h])) continue;
      ++report_.chances.member_half_years;
      if (rng.chance(r_.members_meeting_missed)) {
        ++report_.planted.members_meetings_missed;
        continue;
      }
      attend(m, id, 8 + 2 * static_cast<std::size_t>(h));
    }
    if (m.role != 0)
      for (int q = 0; q < 4; ++q) {
        if (!m.serves_in(quarter_[q])) continue;
        ++report_.chances.leader_quarters;
        if (rng.chance(r_.leaders_meeting_missed)) {
          ++report_.planted.leaders_meetings_missed;
          continue;
        }
        attend(m, id, 2 * static_cast<std::size_t>(q));
      }

    if (rng.chance(r_.condolence)) {
      constexpr std::int64_t amounts[] = {2000, 3000, 5000};
      out.condolences->date(day_in(rng, served)).comma().text(id).comma().text(pick(rng, reasons)).comma();
      out.condolences->integer(amounts[rng.below(3)]).comma();
      if (rng.below(10) < 6) out.condolences->id('U', m.unit + 1, unit_width_);
      out.condolences->end_row();
    }
  }

  /// The sitting of meeting pair `first` (early) / `first + 1` (main) the member attends.
  void attend(const town_member& m, std::string_view id, std::size_t first) {
    if (m.serves_on(sessions_[first + 1].day)) {
      sessions_[first + 1].attend(id);
    } else if (m.serves_on(sessions_[first].day)) {
      sessions_[first].attend(id);
    } else {
      throw std::logic_error("rulebook gen: a member serves on neither sitting of a meeting");
    }
  }

  void write_months(splitmix64& rng, const town_member& m, std::string_view id) {
    table_file& out = *out_.months;
    constexpr std::int64_t per_day = 1'000'000, per_day_short = 800'000, per_month = 1'000'000;  // raw: 1/10,000 yuan
    constexpr std::int64_t per_km_legs = 3'000;  // 1.5 yuan/km × 2 legs, raw per tenth of a km
    constexpr int trip_weights[] = {3, 5, 15, 20, 25, 15, 9, 5, 3};  // 0–8 round trips, in %
    for (int k = 0; k < 12; ++k) {
      const span month = month_[k];
      std::array<span, 2> slice{};
      std::array<std::int64_t, 2> distance{};
      int slices = 0;
      std::int64_t served = 0;
      for (int s = 0; s < m.stints; ++s) {
        const stint& st = m.stint_of[static_cast<std::size_t>(s)];
        span part{};
        if (!overlap({st.from, st.to}, month, part)) continue;
        slice[static_cast<std::size_t>(slices)] = part;
        distance[static_cast<std::size_t>(slices++)] = teams_[st.team].distance_tenths;
        served += part.days();
      }
      if (served == 0) continue;
      const std::int64_t in_month = month.days();
      ++report_.member_months;
      ++report_.chances.member_months;

      std::int64_t days = 0;
      const std::uint64_t kind = rng.below(100);
      if (served == in_month) {
        days = kind < 2 ? rng.between(0, 10) : kind < 5 ? rng.between(27, in_month)
                                                        : 18 + rng.between(0, 4) + rng.between(0, 4);
      } else {
        days = std::min(served, served * rng.between(18, 26) / in_month);
      }
      constexpr std::int64_t away_of[] = {0, 0, 0, 1, 1, 2, 3, 4, 5};
      const std::int64_t away = std::min(away_of[rng.below(9)], in_month - days);
      std::int64_t trips = 0;
      if (days > 0) {
        std::int64_t w = static_cast<std::int64_t>(rng.below(100));
        while (w >= trip_weights[trips]) w -= trip_weights[trips++];
      }
      const std::int64_t payable = std::min<std::int64_t>(trips, 4);

      // What the Qiyang policy owes, slice by slice as the engine weighs a month
      // served in two teams: each slice's share of the month's amount, half-up
      // to the fen; communication by days served over the days of the month.
      const auto owed = [&](auto amount_of, std::int64_t den) {
        std::int64_t fen = 0;
        for (int s = 0; s < slices; ++s) {
          const std::int64_t w = slice[static_cast<std::size_t>(s)].days();
          fen += half_up(amount_of(s) * w, den * 100);
        }
        return fen;
      };
      const std::int64_t living = owed([&](int) { return per_day * days; }, served);
      const std::int64_t transport = owed([&](int s) { return per_km_legs * payable * distance[static_cast<std::size_t>(s)]; }, served);
      const std::int64_t communication = owed([&](int) { return per_month; }, in_month);

      report_.chances.member_months_in_village += days > 0;
      report_.chances.member_months_with_trips += trips > 0;
      std::int64_t paid_living = living, paid_transport = transport, paid_communication = communication;
      if (days > 0 && rng.chance(r_.living_paid_short)) {
        paid_living = owed([&](int) { return per_day_short * days; }, served);
        ++report_.planted.living_paid_short;
      } else if (rng.chance(r_.payment_unrecorded)) {
        paid_living = -1;
      }
      if (trips > 0 && rng.chance(r_.transport_paid_short)) {
        paid_transport = owed([&](int s) { return per_km_legs * (payable - 1) * distance[static_cast<std::size_t>(s)]; }, served);
        ++report_.planted.transport_paid_short;
      } else if (rng.chance(r_.payment_unrecorded)) {
        paid_transport = -1;
      }
      if (rng.chance(r_.communication_paid_short)) {
        paid_communication = communication / 2;
        ++report_.planted.communication_paid_short;
      } else if (rng.chance(r_.payment_unrecorded)) {
        paid_communication = -1;
      }

      out.text(id).comma().text(month_text_[k]).comma().integer(days).comma().integer(trips).comma().integer(away);
      for (const std::int64_t paid : {paid_living, paid_transport, paid_communication}) {
        out.comma();
        if (paid >= 0) out.fen(paid);
      }
      out.end_row();
    }
  }

  /// The days of `within` on which a member of the town (of `unit`, when set)
  /// serves in team `ti`, as spans.
  void presence(std::uint32_t ti, const std::uint64_t* unit, span within, std::vector<span>& found) const {
    found.clear();
    for (const std::uint32_t i : in_team_[ti]) {
      const town_member& m = people_[i];
      if (unit != nullptr && m.unit != *unit) continue;
      for (int s = 0; s < m.stints; ++s) {
        const stint& st = m.stint_of[static_cast<std::size_t>(s)];
        span part{};
        if (st.team == ti && overlap({st.from, st.to}, within, part)) found.push_back(part);
      }
    }
  }

  void write_visits(splitmix64& rng, std::uint32_t ti) {
    const town_team& t = teams_[ti];
    table_file& out = *out_.visits;
    std::vector<span>& found = scratch_spans_;
    const auto visit = [&](std::string_view who, const std::uint64_t* unit) {
      const span on = found[rng.below(found.size())];
      out.date(day_in(rng, on)).comma().text(who).comma();
      if (unit != nullptr) out.id('U', *unit + 1, unit_width_);
      out.comma().id('T', t.number, team_width_).end_row();
    };
    // Each quarter: the head of each unit with members here, and the town's leaders.
    std::vector<std::uint64_t>& units = scratch_units_;
    units.clear();
    for (const std::uint32_t i : in_team_[ti]) units.push_back(people_[i].unit);
    std::sort(units.begin(), units.end());
    units.erase(std::unique(units.begin(), units.end()), units.end());
    for (int q = 0; q < 4; ++q) {
      for (const std::uint64_t& u : units) {
        presence(ti, &u, quarter_[q], found);
        if (found.empty()) continue;
        ++report_.chances.unit_team_quarters;
        if (rng.chance(r_.unit_head_visit_missed)) {
          ++report_.planted.unit_head_visits_missed;
          continue;
        }
        visit("unit_head", &u);
      }
      presence(ti, nullptr, quarter_[q], found);
      if (found.empty()) continue;
      ++report_.chances.team_quarters;
      if (rng.chance(r_.town_leader_visit_missed)) {
        ++report_.planted.town_leader_visits_missed;
        continue;
      }
      visit("town_leader", nullptr);
    }
    // Once a year: the lead unit and each sponsor unit.
    presence(ti, nullptr, year_, found);
    if (found.empty()) return;
    for (int k = -1; k < t.sponsors; ++k) {
      const std::uint64_t u = k < 0 ? t.lead : t.sponsor[static_cast<std::size_t>(k)];
      ++report_.chances.sponsor_pairs;
      if (rng.chance(r_.sponsor_visit_missed)) {
        ++report_.planted.sponsor_visits_missed;
        continue;
      }
      visit("sponsor_unit", &u);
    }
  }

  generated_table write_meetings() {
    table_file out(folder_ / "meetings.csv", "date,kind,attendees");
    std::vector<std::size_t> order(sessions_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::pair(sessions_[a].day, !sessions_[a].leaders) < std::pair(sessions_[b].day, !sessions_[b].leaders);
    });
    for (const std::size_t i : order) {
      meeting_session& s = sessions_[i];
      if (std::fflush(s.file.get()) != 0 || std::ferror(s.file.get())) fail_io(s.scratch, "write");
      if (s.attendees > 0) {
        std::rewind(s.file.get());
        out.date(s.day).comma().text(s.leaders ? "leaders" : "members").comma();
        out.copy_from(s.file.get());
        out.end_row();
      }
      s.file.reset();
      std::error_code ignored;
      fs::remove(s.scratch, ignored);
    }
    return out.close();
  }

  const generate_options& o_;
  const generate_rates& r_;
  fs::path folder_;
  span year_{};
  std::array<span, 4> quarter_{};
  std::array<span, 2> half_{};
  std::array<span, 12> month_{};
  std::array<std::string, 12> month_text_;
  std::uint64_t units_ = 0;
  int unit_width_ = 1, team_width_ = 1, member_width_ = 1;
  std::vector<meeting_session> sessions_;
  tables out_{};
  std::vector<town_team> teams_;
  std::vector<town_member> people_;
  std::vector<std::vector<std::uint32_t>> in_team_;  // per team of the town: its members' indices in people_
  std::vector<span> scratch_spans_;
  std::vector<std::uint64_t> scratch_units_;
  std::uint64_t members_made_ = 0;
  generate_report report_;
};

bool generator_file(const fs::path& name) {
  const std::string s = name.string();
  if (s.starts_with(scratch_prefix)) return true;
  return std::find(std::begin(table_names), std::end(table_names), s) != std::end(table_names);
}

}  // namespace

generate_report generate_county(const generate_options& options, const fs::path& folder) {
  if (options.teams < 1 || options.teams > 100'000'000)
    throw std::invalid_argument("rulebook gen: teams must be 1 to 100000000, not " + std::to_string(options.teams));
  if (options.members_per_team < 1 || options.members_per_team > 10'000)
    throw std::invalid_argument("rulebook gen: members per team must be 1 to 10000, not " +
                                std::to_string(options.members_per_team));
  if (options.year < 1910 || options.year > 9990)
    throw std::invalid_argument("rulebook gen: the year must be 1910 to 9990, not " + std::to_string(options.year));
  for (const std::uint32_t rate :
       {options.rates.under_insured, options.rates.insurance_lapse, options.rates.cheap_health_check,
        options.rates.no_health_check, options.rates.kit_item_missing, options.rates.kit_item_removed,
        options.rates.kit_item_late, options.rates.funds_short, options.rates.unit_head_visit_missed,
        options.rates.town_leader_visit_missed, options.rates.sponsor_visit_missed, options.rates.leaders_meeting_missed,
        options.rates.members_meeting_missed, options.rates.living_paid_short, options.rates.transport_paid_short,
        options.rates.communication_paid_short, options.rates.term_cut_short, options.rates.excellent_proposed,
        options.rates.leaves, options.rates.moves, options.rates.payment_unrecorded, options.rates.condolence})
    if (rate > 1'000'000) throw std::invalid_argument("rulebook gen: a rate is parts per million, at most 1000000");
  const std::uint64_t sums[] = {
      std::uint64_t{options.rates.under_insured} + options.rates.insurance_lapse,
      std::uint64_t{options.rates.cheap_health_check} + options.rates.no_health_check,
      std::uint64_t{options.rates.kit_item_missing} + options.rates.kit_item_removed + options.rates.kit_item_late,
      std::uint64_t{options.rates.leaves} + options.rates.moves};
  for (const std::uint64_t sum : sums)
    if (sum > 1'000'000)
      throw std::invalid_argument("rulebook gen: rates of failures that exclude each other add up to more than 1000000");

  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
    throw std::invalid_argument("rulebook gen: " + folder.string() + " exists and is not a folder");
  fs::create_directories(folder, ec);
  if (ec) throw std::system_error(ec, "rulebook gen: cannot create " + folder.string());
  for (const fs::directory_entry& entry : fs::directory_iterator(folder))
    if (!generator_file(entry.path().filename()))
      throw std::invalid_argument("rulebook gen: " + folder.string() + " holds " + entry.path().filename().string() +
                                  ", which is not one of the county's tables; give an empty or new folder");
  generator g(options, folder);
  return g.run();
}

}  // namespace rulebook
