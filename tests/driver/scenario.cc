// Test driver: applies a scenario (JSON lines) to a repository through the C++ API, as
// tests/ref_scenario.py does through the reference's Python API. Used by the differential
// tests only.
//   {"op": "create", "collection": "c", "columns": ["timestamp timestamp*", "value float"]}
//   {"op": "write", "series": "c/s", "csv": "timestamp,value\n...", ["start": [...], "stop": [...], "closed": "r"]}
//   {"op": "delete", "series": "c/s", "start": ["2020-01-02"], "stop": ["2020-01-03"], "closed": "b"}
//   {"op": "batch", "collection": "c", "writes": [{"series": "s", "csv": "..."}]}
#include <fstream>
#include <iostream>
#include <sstream>

#include "lakota/api/repo.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"
#include "lakota/error.h"

using namespace lakota;

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

Frame parse_csv(const Schema& schema, const std::string& csv) {
  std::stringstream ss(csv);
  std::string line;
  std::getline(ss, line);
  auto names = split(line);
  std::vector<std::vector<std::string>> cols(names.size());
  while (std::getline(ss, line)) {
    if (line.empty()) continue;
    auto cells = split(line);
    for (size_t k = 0; k < names.size(); ++k) cols[k].push_back(cells.at(k));
  }
  std::vector<Column> out;
  for (size_t k = 0; k < names.size(); ++k) out.push_back(parse_column(schema[schema.position(names[k])], cols[k]));
  return Frame(names, std::move(out));
}

Tuple parse_tuple(const Schema& schema, const Json& values) {
  Tuple t;
  for (size_t k = 0; k < values.size(); ++k)
    t.push_back(parse_value(values[k].get<std::string>(), schema[schema.index()[k]].dtype, "bound"));
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: lakota_scenario REPO SCENARIO.jsonl\n";
    return 2;
  }
  try {
    Repo repo = Repo::open(argv[1]);
    std::ifstream in(argv[2]);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      Json op = Json::parse(line);
      std::string kind = op["op"];
      if (kind == "create") {
        std::vector<std::pair<std::string, std::string>> defs;
        for (const auto& c : op["columns"]) {
          std::string s = c;
          auto sp = s.find(' ');
          defs.emplace_back(s.substr(0, sp), s.substr(sp + 1));
        }
        repo.create_collection(Schema::parse(defs), op["collection"]);
      } else if (kind == "write" || kind == "delete") {
        std::string label = op["series"];
        auto slash = label.find('/');
        Collection c = repo.collection(label.substr(0, slash));
        Series s = c.series(label.substr(slash + 1));
        if (kind == "write") {
          WriteOptions o;
          if (op.contains("start")) o.start = parse_tuple(c.schema(), op["start"]);
          if (op.contains("stop")) o.stop = parse_tuple(c.schema(), op["stop"]);
          o.closed = Closed::parse(op.value("closed", "b"));
          s.write(parse_csv(c.schema(), op["csv"]), o);
        }
        else
          s.delete_range(parse_tuple(c.schema(), op["start"]), parse_tuple(c.schema(), op["stop"]),
                         Closed::parse(op.value("closed", "b")));
      } else if (kind == "batch") {
        Collection c = repo.collection(op["collection"]);
        Batch b = c.batch();
        for (const auto& w : op["writes"]) b.write(w["series"], parse_csv(c.schema(), w["csv"]));
        b.commit();
      } else {
        throw InvalidInput("unknown op " + kind);
      }
    }
  } catch (const Error& e) {
    std::cerr << "lakota_scenario: " << e.what() << "\n";
    return 1 + int(e.kind());
  }
  return 0;
}
