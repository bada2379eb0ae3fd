// The quickstart of the Python Lakota README, with the C++ API: a repository in a local
// folder, a collection with a timestamp index, four rows written (strings and integers
// cast by the schema) and read back up to 2020-01-03, which closed=LEFT excludes.
#include <cstdio>
#include <string>

#include "lakota/api/repo.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"

using namespace lakota;

int main(int argc, char** argv) {
  std::string folder = argc > 1 ? argv[1] : "my-data-folder";
  Schema ts_schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  Repo repo = Repo::open(folder);  // or Repo::open("memory://")
  Collection clct = repo.create_collection(ts_schema, "temperature", /*exist_ok=*/true);
  Series series = clct.series("Brussels");
  Frame df({"timestamp", "value"},
           {Column::strings({"2020-01-01T00:00", "2020-01-02T00:00", "2020-01-03T00:00", "2020-01-04T00:00"}),
            Column::from_vector(DType::parse("int"), std::vector<int64_t>{1, 2, 3, 4})});
  series.write(df);

  const DType& ts = clct.schema()[0].dtype;
  Query query;
  query.stop = {parse_time("2020-01-03", ts, "stop")};
  Frame frame = series.read(query);
  std::printf("   timestamp            value\n");
  for (size_t i = 0; i < frame.size(); ++i) {
    std::printf("%zu  %s  %5.1f\n", i, format_time(frame["timestamp"].values<int64_t>()[i], ts).c_str(),
                frame["value"].values<double>()[i]);
  }
}
