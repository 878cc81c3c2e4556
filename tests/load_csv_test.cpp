// Loading a county from a folder of CSV tables (docs/data-format.md, "CSV"):
// a good county loads with exact values, and every problem is reported at the
// row and column a county clerk can find in a spreadsheet, all in one run.
#include "rulebook/load.hpp"

#include "rulebook/generate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace rb = rulebook;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

namespace {

/// A small county as county databases export it: every table, columns of
/// teams.csv in an unusual order, quoted fields, CRLF and a BOM in months.csv.
const std::map<std::string, std::string> good_county = {
    {"county.csv", "id,name,province\nqiyang,祁阳县,湖南省\n"},
    {"units.csv",
     "id,name,kind\n"
     "U01,县财政局,county_department\n"
     "U02,大忠桥镇,township\n"
     "U03,\"国网祁阳县供电公司, 营业部\",enterprise\n"},
    {"teams.csv",
     "village,id,town,lead_unit,distance_km,sponsor_units\n"
     "日晖塘村,T01,大忠桥镇,U01,86.5,U02;U03\n"
     "青山村,T02,肖家镇,U02,12,\n"},
    {"kit.csv",
     "team,item,since,until\n"
     "T01,computer,2019-01-05,\n"
     "T01,printer,2019-01-05,2019-09-30\n"},
    {"funds.csv",
     "team,date,amount,from\n"
     "T01,2019-03-01,10000,U01\n"
     "T02,2019-04-01,5000.50,\n"},
    {"members.csv",
     "id,name,role,unit,team\n"
     "M001,刘军,leader,U01,T01\n"
     "M002,\"王\"\"小\"\"明\",member,U02,\n"},
    {"service.csv",
     "member,team,from,to\n"
     "M001,,2018-03-01,2019-06-30\n"
     "M001,T02,2019-07-01,\n"
     "M002,T02,2019-01-01,\n"},
    {"insurance.csv", "member,cover,from,to,insurer\nM001,200000,2019-01-01,2019-12-31,中国人寿\n"},
    {"health_checks.csv", "member,date,cost\nM001,2019-05-10,520\n"},
    {"assessments.csv", "member,year,score,grade\nM001,2019,92.5,excellent\n"},
    {"months.csv",
     "\xEF\xBB\xBFmember,month,days_in_village,round_trips,days_away_on_duty,paid_living,paid_transport\r\n"
     "M001,2019-01,22,4,2,2200,1038\r\n"
     "M002,2019-01,20,2,,,100.25\r\n"},
    {"visits.csv",
     "date,visitor,unit,team\n"
     "2019-03-15,unit_head,U01,T01\n"
     "2019-03-16,town_leader,,T02\n"},
    {"meetings.csv", "date,kind,attendees\n2019-03-20,leaders,M001;M002\n"},
    {"condolences.csv",
     "date,member,reason,amount,paid_by\n"
     "2019-09-30,M002,serious_illness,3000,U01\n"
     "2019-10-08,M001,family_hardship,2000,\n"},
};

/// A temporary folder holding a CSV county, the good one unless a test changes
/// a table.
class csv_county : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("rulebook-load-csv-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& [name, text] : good_county) write(name, text);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << text;
  }
  void remove(const std::string& name) { fs::remove(dir_ / name); }

  /// Writes members.csv, service.csv and months.csv for the good county's M001 and
  /// M002 and `extra` more members (M100000 …), each serving all year with a record
  /// a month of 10 days; member `k` of `twenty_nine` has 29 days in February (line
  /// 4 + 12 k + 1). Then `tail` is added to months.csv.
  void write_many_months(int extra, std::initializer_list<int> twenty_nine, std::string_view tail) {
    std::string members = "id,name,role,unit,team\nM001,刘军,leader,U01,T01\nM002,王明,member,U02,\n";
    std::string service = std::string(good_county.at("service.csv"));
    std::string months = "member,month,days_in_village,round_trips\nM001,2019-01,22,4\nM002,2019-01,20,2\n";
    for (int k = 0; k < extra; ++k) {
      std::string id(1, 'M');
      id += std::to_string(100000 + k);
      members.append(id).append(",n,member,U01,T01\n");
      service.append(id).append(",,2019-01-01,\n");
      const bool planted = std::find(twenty_nine.begin(), twenty_nine.end(), k) != twenty_nine.end();
      for (int m = 1; m <= 12; ++m)
        months.append(id).append(m < 10 ? ",2019-0" : ",2019-").append(std::to_string(m)).append(
            planted && m == 2 ? ",29,0\n" : ",10,0\n");
    }
    write("members.csv", members);
    write("service.csv", service);
    write("months.csv", months.append(tail));
  }

  [[nodiscard]] rb::county_load_result load() const { return rb::load_county_csv(dir_); }

  /// The path diagnostics give a table of this county.
  [[nodiscard]] std::string path_of(const std::string& name) const { return (dir_ / name).generic_string(); }

  /// "months.csv:3:paid_living [field-count]": a diagnostic's position, with
  /// the file name only, and its code.
  static std::string where(const rb::diagnostic& d) {
    std::string out = fs::path(d.where.file).filename().string();
    if (d.where.line > 0) {
      out.append(":").append(std::to_string(d.where.line)).append(":");
      out.append(d.where.field.empty() ? std::to_string(d.where.column) : d.where.field);
    }
    return out.append(" [").append(d.code).append("]");
  }

  static std::vector<std::string> where_all(const rb::county_load_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics) out.push_back(where(d));
    return out;
  }

  fs::path dir_;
};

std::string all_text(const rb::county_load_result& r) { return rb::format(r.diagnostics); }

std::string text_of(const std::optional<rb::date>& d) { return d ? rb::to_string(*d) : "-"; }

/// The county as text, one entity a line, every field shown: two counties are
/// the same when their dumps are, and a difference reads as a line of a diff.
std::string dump(const rb::county& c) {
  std::ostringstream out;
  out << "county " << c.id << " " << c.name << " " << c.province << "\n";
  for (const auto& u : c.units) out << "unit " << u.id << " " << u.name << " " << rb::to_string(u.kind) << "\n";
  for (const auto& t : c.teams) {
    out << "team " << t.id << " " << t.village << " " << t.town << " " << t.lead_unit << " [";
    for (const auto& s : t.sponsor_units) out << s << ";";
    out << "] " << t.distance_km << "\n";
    for (const auto& k : t.kit) out << "  kit " << k.item << " " << rb::to_string(k.since) << " " << text_of(k.until) << "\n";
    for (const auto& f : t.funds_received)
      out << "  funds " << rb::to_string(f.on) << " " << f.amount << " " << f.from_unit << "\n";
  }
  for (const auto& m : c.members) {
    out << "member " << m.id << " " << m.name << " " << rb::to_string(m.role) << " " << m.unit << "\n";
    for (const auto& s : m.service) out << "  service " << s.team << " " << rb::to_string(s.from) << " " << text_of(s.to) << "\n";
    for (const auto& p : m.insurance)
      out << "  insurance " << p.cover << " " << rb::to_string(p.from) << " " << rb::to_string(p.to) << " " << p.insurer << "\n";
    for (const auto& h : m.health_checks) out << "  health " << rb::to_string(h.on) << " " << h.cost << "\n";
    for (const auto& a : m.assessments) out << "  assessment " << a.year << " " << a.score << " " << rb::to_string(a.proposed) << "\n";
  }
  for (const auto row : c.months) {
    const rb::month_record r = row.record();
    out << "month " << r.member << " " << r.month.to_string() << " " << r.days_in_village << " " << r.round_trips << " "
        << r.days_away_on_duty;
    for (const auto& p : r.paid) out << " " << p.item << "=" << p.amount;
    out << "\n";
  }
  for (const auto& v : c.visits)
    out << "visit " << rb::to_string(v.on) << " " << rb::to_string(v.visitor) << " " << v.unit << " " << v.team << "\n";
  for (const auto& m : c.meetings) {
    out << "meeting " << rb::to_string(m.on) << " " << rb::to_string(m.kind);
    for (const auto& a : m.attendees) out << " " << a;
    out << "\n";
  }
  for (const auto& k : c.condolences)
    out << "condolence " << rb::to_string(k.on) << " " << k.member << " " << rb::to_string(k.reason) << " " << k.amount << " "
        << k.paid_by << "\n";
  return out.str();
}

}  // namespace

// ---- a good county -------------------------------------------------------------------------

TEST_F(csv_county, loads_every_table_with_exact_values) {
  const rb::county_load_result r = load();
  ASSERT_TRUE(r) << all_text(r);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  const rb::county& c = *r.value;
  EXPECT_EQ(c.id, "qiyang");
  EXPECT_EQ(c.name, "祁阳县");
  EXPECT_EQ(c.province, "湖南省");

  ASSERT_EQ(c.units.size(), 3u);
  EXPECT_EQ(c.units[2].name, "国网祁阳县供电公司, 营业部");
  EXPECT_EQ(c.units[1].kind, rb::unit_kind::township);

  ASSERT_EQ(c.teams.size(), 2u);
  const rb::team& t1 = c.teams[0];
  EXPECT_EQ(t1.id, "T01");
  EXPECT_EQ(t1.village, "日晖塘村");
  EXPECT_EQ(t1.lead_unit, "U01");
  EXPECT_EQ(t1.sponsor_units, (std::vector<std::string>{"U02", "U03"}));
  EXPECT_EQ(t1.distance_km, rb::decimal::parse("86.5"));
  ASSERT_EQ(t1.kit.size(), 2u);
  EXPECT_EQ(t1.kit[0].item, "computer");
  EXPECT_FALSE(t1.kit[0].until);
  EXPECT_EQ(t1.kit[1].until, rb::date(2019, 9, 30));
  ASSERT_EQ(t1.funds_received.size(), 1u);
  EXPECT_EQ(t1.funds_received[0].amount, rb::money::yuan(10000));
  EXPECT_EQ(t1.funds_received[0].from_unit, "U01");
  EXPECT_TRUE(c.teams[1].sponsor_units.empty());
  ASSERT_EQ(c.teams[1].funds_received.size(), 1u);
  EXPECT_EQ(c.teams[1].funds_received[0].amount, rb::money::parse("5000.50"));
  EXPECT_EQ(c.teams[1].funds_received[0].from_unit, "");

  ASSERT_EQ(c.members.size(), 2u);
  const rb::member& m1 = c.members[0];
  EXPECT_EQ(m1.role, rb::member_role::leader);
  ASSERT_EQ(m1.service.size(), 2u);
  EXPECT_EQ(m1.service[0].team, "T01");  // from the member's team column
  EXPECT_EQ(m1.service[0].from, rb::date(2018, 3, 1));
  EXPECT_EQ(m1.service[0].to, rb::date(2019, 6, 30));
  EXPECT_EQ(m1.service[1].team, "T02");
  EXPECT_FALSE(m1.service[1].to);
  ASSERT_EQ(m1.insurance.size(), 1u);
  EXPECT_EQ(m1.insurance[0].cover, rb::money::yuan(200000));
  EXPECT_EQ(m1.insurance[0].insurer, "中国人寿");
  ASSERT_EQ(m1.health_checks.size(), 1u);
  EXPECT_EQ(m1.health_checks[0].cost, rb::money::yuan(520));
  ASSERT_EQ(m1.assessments.size(), 1u);
  EXPECT_EQ(m1.assessments[0].year, 2019);
  EXPECT_EQ(m1.assessments[0].score, rb::decimal::parse("92.5"));
  EXPECT_EQ(m1.assessments[0].proposed, rb::grade::excellent);
  EXPECT_EQ(c.members[1].name, "王\"小\"明");

  ASSERT_EQ(c.months.size(), 2u);
  EXPECT_EQ(c.months[0].record().member, "M001");
  EXPECT_EQ(c.months[0].record().month, (rb::year_month{2019, 1}));
  EXPECT_EQ(c.months[0].record().days_in_village, 22);
  EXPECT_EQ(c.months[0].record().round_trips, 4);
  EXPECT_EQ(c.months[0].record().days_away_on_duty, 2);
  ASSERT_EQ(c.months[0].record().paid.size(), 2u);
  EXPECT_EQ(c.months[0].record().paid[0].item, "living");
  EXPECT_EQ(c.months[0].record().paid[0].amount, rb::money::yuan(2200));
  EXPECT_EQ(c.months[0].record().paid[1].item, "transport");
  EXPECT_EQ(c.months[1].record().days_away_on_duty, 0);  // an empty optional count is the default
  ASSERT_EQ(c.months[1].record().paid.size(), 1u);        // nothing recorded for living
  EXPECT_EQ(c.months[1].record().paid[0].amount, rb::money::parse("100.25"));

  ASSERT_EQ(c.visits.size(), 2u);
  EXPECT_EQ(c.visits[1].visitor, rb::visitor_role::town_leader);
  EXPECT_EQ(c.visits[1].unit, "");
  ASSERT_EQ(c.meetings.size(), 1u);
  EXPECT_EQ(c.meetings[0].attendees, (std::vector<std::string>{"M001", "M002"}));
  ASSERT_EQ(c.condolences.size(), 2u);
  EXPECT_EQ(c.condolences[0].reason, rb::condolence_reason::serious_illness);
  EXPECT_EQ(c.condolences[0].amount, rb::money::yuan(3000));
  EXPECT_EQ(c.condolences[1].paid_by, "");
}

// The bundled sample is written both ways by examples/qiyang/make_sample.py.
TEST(csv_county_example, qiyang_reads_the_same_from_csv_tables_as_from_yaml) {
  const rb::county_load_result csv = rb::load_county("examples/qiyang/csv");
  const rb::county_load_result yaml = rb::load_county("examples/qiyang/county.yaml");
  ASSERT_TRUE(csv) << all_text(csv);
  ASSERT_TRUE(yaml) << all_text(yaml);
  EXPECT_EQ(dump(*csv.value), dump(*yaml.value));
  EXPECT_EQ(csv.value->members.size(), 37u);
}

namespace {

/// The cells of a CSV table without quoted fields (as `rulebook gen` writes
/// them): its header and rows, split at commas. A deliberately naive reader,
/// so that it cannot share a mistake with the loader's.
std::vector<std::vector<std::string>> split_table(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    EXPECT_EQ(line.find('"'), std::string::npos) << file;
    std::vector<std::string>& cells = rows.emplace_back();
    std::size_t start = 0;
    for (std::size_t cut; (cut = line.find(',', start)) != std::string::npos; start = cut + 1)
      cells.push_back(line.substr(start, cut - start));
    cells.push_back(line.substr(start));
  }
  return rows;
}

std::string quoted(const std::string& text) { return std::string("\"").append(text).append("\""); }

/// A JSON value of the county document, built field by field.
struct json_object {
  std::vector<std::pair<std::string, std::string>> fields;  // name, JSON text
  std::map<std::string, std::vector<std::string>> lists;    // child lists, each element JSON text

  void text(const std::string& name, const std::string& value) {
    if (!value.empty()) fields.emplace_back(name, quoted(value));
  }
  void ids(const std::string& name, const std::string& cell) {
    if (cell.empty()) return;
    std::string out = "[";
    std::size_t start = 0;
    for (std::size_t cut; (cut = cell.find(';', start)) != std::string::npos; start = cut + 1)
      out.append(quoted(cell.substr(start, cut - start))).append(",");
    fields.emplace_back(name, out.append(quoted(cell.substr(start))).append("]"));
  }
  [[nodiscard]] std::string str() const {
    std::string out = "{";
    for (const auto& [name, value] : fields) out.append(out.size() > 1 ? "," : "").append(quoted(name)).append(":").append(value);
    for (const auto& [name, items] : lists) {
      out.append(out.size() > 1 ? "," : "").append(quoted(name)).append(":[");
      for (std::size_t i = 0; i < items.size(); ++i) out.append(i ? "," : "").append(items[i]);
      out += "]";
    }
    return out + "}";
  }
};

/// The JSON form (docs/data-format.md, "JSON") of a county written as CSV
/// tables by `rulebook gen`: the same county, read by another reader.
std::string csv_county_as_json(const fs::path& folder) {
  const auto objects = [&](const std::string& file, const std::vector<std::string>& lists = {}) {
    std::vector<std::pair<std::string, json_object>> out;  // (id or parent id, object)
    if (!fs::exists(folder / file)) return out;
    const auto rows = split_table(folder / file);
    for (std::size_t r = 1; r < rows.size(); ++r) {
      json_object o;
      std::string key;
      for (std::size_t c = 0; c < rows[0].size(); ++c) {
        const std::string& column = rows[0][c];
        const std::string& cell = rows[r].at(c);
        if (c == 0) key = cell;
        if (std::find(lists.begin(), lists.end(), column) != lists.end()) {
          o.ids(column, cell);
        } else if (file == "months.csv" && column.starts_with("paid_")) {
          if (!cell.empty()) o.lists["paid"].push_back(quoted(column.substr(5)).append(":").append(quoted(cell)));
        } else if (!(c == 0 && (file == "kit.csv" || file == "funds.csv" || file == "service.csv" ||
                                file == "insurance.csv" || file == "health_checks.csv" || file == "assessments.csv"))) {
          o.text(column, cell);
        }
      }
      out.emplace_back(key, std::move(o));
    }
    return out;
  };
  const auto attach = [](std::vector<std::pair<std::string, json_object>>& parents, const std::string& list,
                         const std::vector<std::pair<std::string, json_object>>& children) {
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < parents.size(); ++i) at.emplace(parents[i].first, i);
    for (const auto& [parent, child] : children) parents[at.at(parent)].second.lists[list].push_back(child.str());
  };
  const auto section = [](const std::vector<std::pair<std::string, json_object>>& entities) {
    std::string out = "[";
    for (std::size_t i = 0; i < entities.size(); ++i) {
      std::string object = entities[i].second.str();
      // A month record's paid items form an object, not a list.
      if (const auto paid = object.find("\"paid\":["); paid != std::string::npos) {
        object[paid + 7] = '{';
        object[object.size() - 2] = '}';
      }
      out.append(i ? ",\n" : "\n").append(object);  // a line each, for readable diagnostics
    }
    return out + "]";
  };
  auto teams = objects("teams.csv", {"sponsor_units"});
  attach(teams, "kit", objects("kit.csv"));
  attach(teams, "funds_received", objects("funds.csv"));
  auto members = objects("members.csv");
  attach(members, "service", objects("service.csv"));
  attach(members, "insurance", objects("insurance.csv"));
  attach(members, "health_checks", objects("health_checks.csv"));
  attach(members, "assessments", objects("assessments.csv"));
  return "{\"county\":" + objects("county.csv").at(0).second.str() + ",\"units\":" + section(objects("units.csv")) +
         ",\"teams\":" + section(teams) + ",\"members\":" + section(members) +
         ",\"months\":" + section(objects("months.csv")) + ",\"visits\":" + section(objects("visits.csv")) +
         ",\"meetings\":" + section(objects("meetings.csv", {"attendees"})) +
         ",\"condolences\":" + section(objects("condolences.csv")) + "}";
}

TEST_F(csv_county, a_large_countys_month_records_are_checked_beside_and_reported_in_place) {
  // 72,005 month records: from 65,536 on they are checked on a thread of their
  // own beside the other checks; their reports come out as a run on one thread
  // puts them, each at its cell, the duplicate's hint naming the first's line.
  write_many_months(6000, {1000},
                    "M9,2019-05,3,0\n"             // line 72004: no such member
                    "M100500,2019-03,5,0\n");      // line 72005: again, after line 4 + 500 * 12 + 2
  write("visits.csv", std::string(good_county.at("visits.csv")) + "2019-03-17,unit_head,U01,T09\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:12005:days_in_village [days-exceed-month]",
                                        "months.csv:72004:member [unknown-reference]",
                                        StartsWith("months.csv:72005:"), "visits.csv:4:team [unknown-reference]"));
  EXPECT_EQ(r.diagnostics[2].code, "duplicate-record");
  EXPECT_THAT(r.diagnostics[2].hint, HasSubstr(path_of("months.csv") + ":6006"));
  EXPECT_EQ(r.diagnostics[1].source_line, "M9,2019-05,3,0");
  EXPECT_EQ(r.diagnostics[0].source_line, "M101000,2019-02,29,0");
}

TEST_F(csv_county, a_large_countys_month_records_are_checked_in_two_halves_and_reported_in_order) {
  // 144,005 month records: from 131,072 on the CSV loader checks them in two
  // halves, on two threads; the reports of both come in file order, a
  // duplicate in the second half naming its first in the first half.
  write_many_months(12000,
                    {1000, 11000},              // lines 12005 and 132005
                    "M9,2019-05,3,0\n"          // line 144004: no such member
                    "M100500,2019-03,5,0\n");   // line 144005: again, after line 4 + 500 * 12 + 2
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:12005:days_in_village [days-exceed-month]",
                                        "months.csv:132005:days_in_village [days-exceed-month]",
                                        "months.csv:144004:member [unknown-reference]", StartsWith("months.csv:144005:")));
  EXPECT_EQ(r.diagnostics[3].code, "duplicate-record");
  EXPECT_THAT(r.diagnostics[3].hint, HasSubstr(path_of("months.csv") + ":6006"));
  EXPECT_EQ(r.diagnostics[0].source_line, "M101000,2019-02,29,0");
  EXPECT_EQ(r.diagnostics[1].source_line, "M111000,2019-02,29,0");
  EXPECT_EQ(r.diagnostics[2].source_line, "M9,2019-05,3,0");
}

}  // namespace

// A generated county has every table, members who move team and leave, and
// thousands of month records: read from its CSV tables it must be, field for
// field, the county its JSON form gives.
TEST(csv_county_generated, reads_the_same_as_its_json_form) {
  const fs::path folder = fs::temp_directory_path() / ("rulebook-csv-generated-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  rb::generate_options o;
  o.teams = 40;
  o.members_per_team = 6;
  o.seed = 7;
  o.rates.moves = 200'000;
  o.rates.leaves = 100'000;
  rb::generate_county(o, folder);
  const rb::county_load_result csv = rb::load_county(folder);
  const rb::county_load_result json = rb::load_county_json(csv_county_as_json(folder), "generated.json");
  fs::remove_all(folder);
  ASSERT_TRUE(csv) << all_text(csv);
  ASSERT_TRUE(json) << all_text(json);
  EXPECT_GT(csv.value->months.size(), 2000u);
  EXPECT_EQ(dump(*csv.value), dump(*json.value));
  EXPECT_TRUE(*csv.value == *json.value);
}

TEST_F(csv_county, optional_tables_may_be_absent) {
  for (const char* name : {"kit.csv", "funds.csv", "insurance.csv", "health_checks.csv", "assessments.csv",
                           "months.csv", "visits.csv", "meetings.csv", "condolences.csv"})
    remove(name);
  const rb::county_load_result r = load();
  ASSERT_TRUE(r) << all_text(r);
  EXPECT_TRUE(r.value->months.empty());
  EXPECT_TRUE(r.value->teams[0].kit.empty());
}

TEST_F(csv_county, load_county_reads_a_folder_of_csv_tables) {
  const rb::county_load_result r = rb::load_county(dir_);
  ASSERT_TRUE(r) << all_text(r);
  EXPECT_EQ(r.value->members.size(), 2u);
}

TEST_F(csv_county, blank_lines_and_a_missing_final_line_end_are_fine) {
  write("units.csv", "id,name,kind\n\nU01,县财政局,county_department\n\nU02,大忠桥镇,township\nU03,x,enterprise");
  const rb::county_load_result r = load();
  ASSERT_TRUE(r) << all_text(r);
  EXPECT_EQ(r.value->units.size(), 3u);
}

// ---- the shape of the tables ---------------------------------------------------------------

TEST_F(csv_county, a_row_with_too_few_fields_names_the_first_missing_column) {
  write("months.csv",
        "member,month,days_in_village,round_trips,paid_living\n"
        "M001,2019-01,22,4,2200\n"
        "M002,2019-01,20\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:3:round_trips [field-count]"));
  const rb::diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.message, "expected 5 fields, as the header has, found 3: no field for 'round_trips' and 'paid_living'");
  EXPECT_EQ(d.where.column, 16);  // the end of the row, where the fields are missing
  EXPECT_EQ(d.source_line, "M002,2019-01,20");
}

TEST_F(csv_county, a_row_with_too_many_fields_points_at_the_first_extra_one) {
  write("months.csv",
        "member,month,days_in_village,round_trips,paid_living\n"
        "M001,2019-01,22,4,2,200\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:2:paid_living [field-count]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 21);
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("found 6: 1 more after the last column 'paid_living'"));
  EXPECT_THAT(r.diagnostics[0].hint, HasSubstr("in quotes"));
}

TEST_F(csv_county, an_unknown_column_gets_a_did_you_mean) {
  write("teams.csv",
        "id,village,town,lead_unit,distance_kn\n"
        "T01,日晖塘村,大忠桥镇,U01,86.5\n"
        "T02,青山村,肖家镇,U02,12\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r),
              ElementsAre("teams.csv:1:0 [missing-column]", "teams.csv:1:distance_kn [unknown-column]"));
  EXPECT_EQ(r.diagnostics[0].message, "missing column 'distance_km' in teams.csv");
  EXPECT_EQ(r.diagnostics[1].message, "unknown column 'distance_kn' in teams.csv");
  EXPECT_EQ(r.diagnostics[1].hint, "did you mean 'distance_km'?");
  EXPECT_EQ(r.diagnostics[1].where.column, 27);
  EXPECT_EQ(r.diagnostics[1].source_line, "id,village,town,lead_unit,distance_kn");
}

TEST_F(csv_county, an_unknown_column_far_from_any_lists_the_columns) {
  write("months.csv", "member,month,days_in_village,round_trips,remarks\nM001,2019-01,22,4,ok\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:1:remarks [unknown-column]"));
  EXPECT_EQ(r.diagnostics[0].hint,
            "months.csv has the columns member, month, days_in_village, round_trips, days_away_on_duty, and paid_ITEM "
            "for each item paid, as paid_living");
}

TEST_F(csv_county, a_misspelt_paid_column_is_unknown_and_others_are_items) {
  write("months.csv",
        "member,month,days_in_village,round_trips,piad_living,paid_heating\n"
        "M001,2019-01,22,4,1,300\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:1:piad_living [unknown-column]"));
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'paid_living'?");
}

TEST_F(csv_county, a_column_spelt_in_capitals_or_with_blanks_gets_its_name_as_hint) {
  write("units.csv", "ID,Name ,kind\nU01,县财政局,county_department\nU02,大忠桥镇,township\nU03,x,enterprise\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:1:0 [missing-column]", "units.csv:1:0 [missing-column]",
                                        "units.csv:1:ID [unknown-column]", "units.csv:1:Name  [unknown-column]"));
  EXPECT_EQ(r.diagnostics[2].hint, "did you mean 'id'?");
  EXPECT_EQ(r.diagnostics[3].hint, "did you mean 'name'?");
}

TEST_F(csv_county, a_paid_column_names_a_well_formed_item) {
  write("months.csv", "member,month,days_in_village,round_trips,paid_a b\nM001,2019-01,22,4,1\n");
  EXPECT_THAT(where_all(load()), ElementsAre("months.csv:1:paid_a b [bad-value]"));
}

TEST_F(csv_county, a_column_given_twice_is_an_error) {
  write("units.csv", "id,name,kind,name\nU01,县财政局,county_department,x\nU02,b,township,\nU03,c,other,\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:1:name [duplicate-column]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 14);
}

TEST_F(csv_county, unknown_and_missing_tables_are_reported_with_the_folder) {
  remove("members.csv");
  write("unit.csv", "id\n");
  write("notes.txt", "not a table: ignored\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  // Rows of service.csv and other tables naming members are not reported too.
  ASSERT_THAT(where_all(r), ElementsAre("unit.csv [unknown-table]", "members.csv [missing-table]"));
  EXPECT_EQ(r.diagnostics[0].where.file, path_of("unit.csv"));
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'units.csv'?");
  EXPECT_EQ(r.diagnostics[1].where.file, path_of("members.csv"));
  EXPECT_EQ(r.diagnostics[1].message, "missing table 'members.csv': expected a file with one row per member");
}

TEST_F(csv_county, an_empty_table_file_lacks_its_header) {
  write("units.csv", "");
  EXPECT_THAT(where_all(load()), ElementsAre("units.csv [missing-column]"));
}

TEST_F(csv_county, a_line_end_inside_quotes_keeps_later_rows_on_their_own_lines) {
  write("units.csv",
        "id,name,kind\n"
        "U01,\"县财政局\r\n(原县财政所)\",county_department\n"
        "U02,大忠桥镇,township\n"
        "U03,x,enterprize\n"
        "U02,y,other\n");
  const rb::county_load_result r = load();
  // One problem found while reading the table, one found by the checks across
  // tables, which read the row again to point at it.
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:5:kind [unknown-name]", "units.csv:6:id [duplicate-id]"));
  EXPECT_EQ(r.diagnostics[0].source_line, "U03,x,enterprize");
  EXPECT_EQ(r.diagnostics[1].source_line, "U02,y,other");
  EXPECT_EQ(r.diagnostics[1].where.column, 1);
}

TEST_F(csv_county, a_row_far_down_a_long_table_is_found_again_at_its_line) {
  // The loader keeps every 64th row's place whole and steps between them; a row
  // 255 lines long or more, or of 64 KiB or more, is kept whole aside.
  std::string units = "id,name,kind\nU01,a,other\nU02,b,other\nU03,c,other\n";
  const auto unit = [&](int i) { units.append("V").append(std::to_string(1000 + i)).append(",n,other\n"); };
  for (int i = 3; i < 70; ++i) unit(i);
  units.append("V1070,\"").append(300, '\n').append("\",other\n");  // row 70: lines 73 to 373
  for (int i = 71; i < 100; ++i) unit(i);
  units.append("V1100,\"").append(70000, 'x').append("\",other\n");  // row 100: 70 KB, a name too long
  units += "U02,again,other\n";  // row 101: line 2 + 101 + 300, 70 KB after the row before
  for (int i = 102; i < 200; ++i) unit(i);
  units += "U03,again,other\n";  // row 200: line 502
  write("units.csv", units);
  const rb::county_load_result r = load();
  // The name is reported as it is read; the repeated ids by the checks across
  // tables, which find their rows again.
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:402:name [too-long]", "units.csv:403:id [duplicate-id]",
                                        "units.csv:502:id [duplicate-id]"));
  EXPECT_EQ(r.diagnostics[1].source_line, "U02,again,other");
  EXPECT_EQ(r.diagnostics[2].source_line, "U03,again,other");
  EXPECT_EQ(r.diagnostics[2].hint, "the first unit 'U03' is at " + path_of("units.csv") + ":4:id; ids are unique per kind");
}

TEST_F(csv_county, the_county_table_holds_exactly_one_row) {
  write("county.csv", "id,name\nqiyang,祁阳县\nqidong,祁东县\n");
  EXPECT_THAT(where_all(load()), ElementsAre("county.csv:3:id [row-count]"));
  write("county.csv", "id,name\n");
  EXPECT_THAT(where_all(load()), ElementsAre("county.csv [row-count]"));
  write("county.csv", "name\n祁阳县\n祁东县\n");  // and without an id column to point at
  EXPECT_THAT(where_all(load()), ElementsAre("county.csv:1:0 [missing-column]", "county.csv:3:1 [row-count]"));
}

// ---- CSV syntax ------------------------------------------------------------------------------

TEST_F(csv_county, a_quote_left_open_is_reported_where_it_opens) {
  write("units.csv", "id,name,kind\nU01,\"县财政局,county_department\nU02,大忠桥镇,township\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:2:name [csv-syntax]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 5);
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("never closed"));
  EXPECT_EQ(r.diagnostics[0].source_line, "U01,\"县财政局,county_department");
}

TEST_F(csv_county, a_stray_quote_and_bad_utf8_are_reported_and_the_other_rows_still_read) {
  write("units.csv",
        "id,name,kind\n"
        "U01,县\"财政局,county_department\n"
        "U02,\xC6\xEE\xD1\xF4,township\n"
        "U03,x,enterprize\n");
  const rb::county_load_result r = load();
  EXPECT_THAT(where_all(r),
              ElementsAre("units.csv:2:name [csv-syntax]", "units.csv:3:name [csv-syntax]",
                          "units.csv:4:kind [unknown-name]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 6);
  EXPECT_EQ(r.diagnostics[1].where.column, 5);
  EXPECT_THAT(r.diagnostics[1].message, HasSubstr("invalid UTF-8"));
}

// ---- values ------------------------------------------------------------------------------------

TEST_F(csv_county, a_negative_count_says_what_was_expected) {
  write("months.csv", "member,month,days_in_village,round_trips\nM001,2019-01,-2,4\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:2:days_in_village [bad-value]"));
  EXPECT_EQ(r.diagnostics[0].message, "expected a count (a non-negative integer), found '-2'");
  EXPECT_EQ(rb::format(r.diagnostics[0]),
            path_of("months.csv") +
                ":2:days_in_village: error[bad-value]: expected a count (a non-negative integer), found '-2'\n"
                " 2 | M001,2019-01,-2,4\n"
                "   |              ^\n");
}

TEST_F(csv_county, the_caret_column_counts_code_points_not_bytes) {
  write("teams.csv", "id,village,town,lead_unit,distance_km\nT01,日晖塘村,大忠桥镇,U01,-86.5\nT02,青山村,肖家镇,U02,12\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("teams.csv:2:distance_km [out-of-range]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 19);
  EXPECT_EQ(r.diagnostics[0].message, "expected a distance more than 0 and at most 3000 km, found '-86.5'");
}

TEST_F(csv_county, bad_dates_months_amounts_names_and_ids_each_at_their_cell) {
  write("funds.csv",
        "team,date,amount,from\n"
        "T01,2019-02-30,10000,U01\n"
        "T01,2019-03-01,1e4,U01\n"
        "T01,2019-03-01,100000001,U 1\n");
  write("months.csv", "member,month,days_in_village,round_trips\nM001,2019-13,2,4\n");
  write("visits.csv", "date,visitor,unit,team\n2019-03-15,unit_haed,U01,T01\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("funds.csv:2:date [bad-value]", "funds.csv:3:amount [bad-value]",
                                        "funds.csv:4:amount [out-of-range]", "funds.csv:4:from [bad-value]",
                                        "months.csv:2:month [bad-value]", "visits.csv:2:visitor [unknown-name]"));
  EXPECT_EQ(r.diagnostics[0].message, "\"2019-02-30\" is not a date: February 2019 has 28 days");
  EXPECT_EQ(r.diagnostics[2].message, "expected an amount from 0 to 100000000 yuan, found '100000001'");
  EXPECT_EQ(r.diagnostics[3].message, "expected a unit id, found 'U 1'");
  EXPECT_EQ(r.diagnostics[5].message, "unknown visitor 'unit_haed' in a visit");
  EXPECT_EQ(r.diagnostics[5].hint, "did you mean 'unit_head'?");
}

TEST_F(csv_county, an_empty_required_cell_is_a_missing_value) {
  write("units.csv", "id,name,kind\nU01,,county_department\nU02,大忠桥镇,township\nU03,x,enterprise\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("units.csv:2:name [missing-key]"));
  EXPECT_EQ(r.diagnostics[0].message, "missing value for 'name' in a unit: the cell is empty");
  EXPECT_EQ(r.diagnostics[0].where.column, 5);
}

TEST_F(csv_county, a_list_element_is_checked_where_it_stands_in_the_cell) {
  write("meetings.csv", "date,kind,attendees\n2019-03-20,leaders,M001;;M 2\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("meetings.csv:2:attendees [bad-value]", "meetings.csv:2:attendees [bad-value]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 25);  // between the two ';'
  EXPECT_EQ(r.diagnostics[1].where.column, 26);
}

// ---- rows joined to their parents ------------------------------------------------------------

TEST_F(csv_county, a_child_row_naming_an_unknown_parent_is_an_unknown_reference) {
  write("kit.csv", "team,item,since,until\nT01,computer,2019-01-05,\nT03,printer,2019-01-05,\n");
  write("insurance.csv", "member,cover,from,to,insurer\nM010,200000,2019-01-01,2019-12-31,\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r),
              ElementsAre("kit.csv:3:team [unknown-reference]", "insurance.csv:2:member [unknown-reference]"));
  EXPECT_EQ(r.diagnostics[0].message, "unknown team 'T03': no row of teams.csv has this id");
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'T01'?");
}

TEST_F(csv_county, a_service_row_without_a_team_needs_the_members_team) {
  write("service.csv", "member,team,from,to\nM001,,2018-03-01,\nM002,,2019-01-01,\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("service.csv:3:team [missing-key]"));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("member 'M002' has no team in members.csv"));
}

TEST_F(csv_county, a_member_no_service_row_names_has_no_service) {
  write("service.csv", "member,team,from,to\nM001,,2018-03-01,\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("members.csv:3:id [missing-key]"));
  EXPECT_EQ(r.diagnostics[0].message, "member 'M002' has no service interval");
}

// ---- checks across tables point into the CSV -------------------------------------------------

TEST_F(csv_county, checks_across_tables_point_at_the_cell_and_quote_its_line) {
  write("teams.csv",
        "village,id,town,lead_unit,distance_km,sponsor_units\n"
        "日晖塘村,T01,大忠桥镇,U01,86.5,U02;U09\n"
        "青山村,T02,肖家镇,U02,12,\n"
        "青山村,T01,肖家镇,U02,12,\n");
  write("months.csv", "member,month,days_in_village,round_trips\nM001,2019-02,29,4\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  ASSERT_THAT(where_all(r), ElementsAre("months.csv:2:days_in_village [days-exceed-month]",
                                        "teams.csv:2:sponsor_units [unknown-reference]",
                                        "teams.csv:4:id [duplicate-id]"));
  const rb::diagnostic& unknown = r.diagnostics[1];
  EXPECT_EQ(unknown.where.column, 28);  // at U09, inside the cell
  EXPECT_EQ(unknown.source_line, "日晖塘村,T01,大忠桥镇,U01,86.5,U02;U09");
  EXPECT_EQ(unknown.hint, "did you mean 'U01'?");
  EXPECT_EQ(r.diagnostics[2].source_line, "青山村,T01,肖家镇,U02,12,");
  EXPECT_EQ(r.diagnostics[2].hint, "the first team 'T01' is at " + path_of("teams.csv") + ":2:id; ids are unique per kind");
  EXPECT_EQ(r.diagnostics[2].where.column, 5);
  EXPECT_EQ(r.diagnostics[0].source_line, "M001,2019-02,29,4");
}

// The checks try the unit, team or member the last reference found, and the
// one listed after it, before their indexes: a reference is known when it
// names either, and unknown ones are each reported, whether they follow the
// same id, the next one's or an unknown one.
TEST_F(csv_county, references_that_repeat_or_follow_the_last_one_found_are_each_checked) {
  write("members.csv",
        "id,name,role,unit,team\n"
        "M001,刘军,leader,U01,T01\n"
        "M002,王明,member,U01,T01\n"   // the same unit again
        "M003,李华,member,U02,T01\n"   // the one after it
        "M004,张三,member,U0X,T01\n"   // unknown, after a known one
        "M005,李四,member,U0Y,T01\n"   // unknown, after an unknown one
        "M006,王五,member,U03,T01\n"   // known, after an unknown one
        "M007,赵六,member,U01,T01\n");  // known, before the last one found
  std::string service = "member,team,from,to\n";
  for (int i = 1; i <= 7; ++i) service += "M00" + std::to_string(i) + ",,2019-01-01,\n";
  write("service.csv", service);
  write("meetings.csv", "date,kind,attendees\n2019-03-20,leaders,M001;M002;M002;M00X;M003;M009;M007\n");
  write("months.csv", "member,month,days_in_village,round_trips\nM001,2019-01,22,4\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  EXPECT_THAT(where_all(r), ElementsAre("meetings.csv:2:attendees [unknown-reference]",
                                        "meetings.csv:2:attendees [unknown-reference]",
                                        "members.csv:5:unit [unknown-reference]", "members.csv:6:unit [unknown-reference]"));
  ASSERT_EQ(r.diagnostics.size(), 4u);
  EXPECT_NE(r.diagnostics[0].message.find("'M00X'"), std::string::npos) << r.diagnostics[0].message;
  EXPECT_NE(r.diagnostics[1].message.find("'M009'"), std::string::npos) << r.diagnostics[1].message;
  EXPECT_NE(r.diagnostics[2].message.find("'U0X'"), std::string::npos) << r.diagnostics[2].message;
  EXPECT_NE(r.diagnostics[3].message.find("'U0Y'"), std::string::npos) << r.diagnostics[3].message;
}

TEST_F(csv_county, checks_on_child_rows_and_lists_point_at_their_cells) {
  write("kit.csv", "team,item,since,until\nT01,computer,2019-01-05,\nT01,printer,2019-01-05,2018-12-31\n");
  write("insurance.csv", "member,from,to,cover\nM001,2019-01-01,2018-12-31,200000\n");
  write("meetings.csv", "date,kind,attendees\n2019-03-20,leaders,M001; M003\n");
  write("condolences.csv", "date,member,reason,amount,paid_by\n2019-09-30,M002,injury_on_duty,3000,U07\n");
  const rb::county_load_result r = load();
  ASSERT_THAT(where_all(r), ElementsAre("condolences.csv:2:paid_by [unknown-reference]",
                                        "insurance.csv:2:to [bad-interval]", "kit.csv:3:until [bad-interval]",
                                        "meetings.csv:2:attendees [unknown-reference]"));
  EXPECT_EQ(r.diagnostics[1].where.column, 17);
  EXPECT_EQ(r.diagnostics[2].where.column, 24);
  EXPECT_EQ(r.diagnostics[3].where.column, 26);  // M003, after the blank
}

TEST_F(csv_county, a_service_intervals_team_from_members_csv_is_checked_there) {
  write("members.csv", "id,name,role,unit,team\nM001,刘军,leader,U01,T09\nM002,王明,member,U02,T02\n");
  const rb::county_load_result r = load();
  // The first interval takes the member's team; the bad id is in members.csv.
  ASSERT_THAT(where_all(r), ElementsAre("members.csv:2:team [unknown-reference]"));
  EXPECT_EQ(r.diagnostics[0].where.column, 20);
}

TEST_F(csv_county, after_a_row_that_cannot_be_read_the_cross_table_checks_wait) {
  write("units.csv", "id,name,kind\nU01,县财政局,county_department,extra\nU02,大忠桥镇,township\nU03,x,enterprise\n");
  const rb::county_load_result r = load();
  // Without the row of U01, teams and members would name an unknown unit.
  EXPECT_THAT(where_all(r), ElementsAre("units.csv:2:kind [field-count]"));
}

TEST_F(csv_county, a_months_row_that_cannot_be_read_holds_back_the_checks_too) {
  // months.csv is read beside the other tables: its unread row must still stop the
  // checks, which would otherwise report M009 as no member's.
  write("months.csv",
        "member,month,days_in_village,round_trips\n"
        "M009,2019-01,22,4\n"
        "M001,2019-02,20\n");
  EXPECT_THAT(where_all(load()), ElementsAre("months.csv:3:round_trips [field-count]"));
  write("months.csv", "member,month,days_in_village,round_trips\nM009,2019-01,22,4\n");
  EXPECT_THAT(where_all(load()), ElementsAre("months.csv:2:member [unknown-reference]"));
}

TEST_F(csv_county, every_problem_of_every_table_is_reported_in_one_run) {
  write("unit.csv", "id\n");
  write("units.csv", "id,name,kind\nU01,县财政局,county_department\nU02,大忠桥镇,twonship\nU03,x,enterprise\n");
  write("kit.csv", "team,item,since,until\nT01,computer,2019-01-32,\n");
  write("months.csv",
        "member,month,days_in_village,round_trips,days_away_on_dty\n"
        "M001,2019-01,22,4\n"
        "M001,2019-02,-1,4,0\n");
  write("meetings.csv", "date,kind,attendees\n2019-03-20,leaders,\"M001;M002\n");
  const rb::county_load_result r = load();
  EXPECT_FALSE(r);
  EXPECT_THAT(where_all(r), ElementsAre("unit.csv [unknown-table]", "units.csv:3:kind [unknown-name]",
                                        "kit.csv:2:since [bad-value]", "months.csv:1:days_away_on_dty [unknown-column]",
                                        "months.csv:2:days_away_on_dty [field-count]",
                                        "months.csv:3:days_in_village [bad-value]", "meetings.csv:2:attendees [csv-syntax]"));
  EXPECT_EQ(r.diagnostics[3].hint, "did you mean 'days_away_on_duty'?");
}

TEST_F(csv_county, a_folder_that_does_not_exist_is_an_io_error) {
  const rb::county_load_result r = rb::load_county_csv(dir_ / "nowhere");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "io-error");
}
