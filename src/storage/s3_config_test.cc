#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

// A home folder with ~/.aws files, and an environment of our choosing.
class S3Config : public ::testing::Test {
 protected:
  void SetUp() override {
    home = fs::temp_directory_path() / ("lakota-s3-config-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(home / ".aws");
  }
  void TearDown() override { fs::remove_all(home); }
  void file(const std::string& name, const std::string& text) { std::ofstream(home / ".aws" / name) << text; }
  AwsEnvironment env() {
    AwsEnvironment e;
    e.home = home.string();
    e.getenv = [this](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      if (it == vars.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
    return e;
  }
  S3Options parse(const std::string& uri) { return s3_options_from_uri(uri, env()); }
  std::string error(const std::string& uri) {
    try {
      parse(uri);
    } catch (const InvalidInput& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error for " << uri;
    return "";
  }

  fs::path home;
  std::map<std::string, std::string> vars;
  static inline int n = 0;
};

TEST_F(S3Config, ReadsTheReferenceUriForms) {
  vars = {{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}};
  auto o = parse("s3:///bucket/some/prefix");
  EXPECT_EQ(o.bucket, "bucket");
  EXPECT_EQ(o.prefix, "some/prefix");
  EXPECT_EQ(o.endpoint, "");
  EXPECT_EQ(o.region, "us-east-1");
  EXPECT_FALSE(o.path_style);  // AWS: virtual-hosted
  EXPECT_TRUE(o.verify_tls);
  o = parse("s3://127.0.0.1:9000/bucket/");
  EXPECT_EQ(o.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o.prefix, "");
  EXPECT_TRUE(o.path_style);  // a custom endpoint: path-style
  o = parse("s3:///my.dotted.bucket/p?verify=false&region=eu-west-3");
  EXPECT_TRUE(o.path_style);  // dots break virtual-hosted https
  EXPECT_FALSE(o.verify_tls);
  EXPECT_EQ(o.region, "eu-west-3");
  o = parse("s3:///bucket?endpoint_url=https://minio.example:9443/&connections=4&max_attempts=2&timeout=1.5");
  EXPECT_EQ(o.endpoint, "https://minio.example:9443");
  EXPECT_EQ(o.connections, 4u);
  EXPECT_EQ(o.max_attempts, 2);
  EXPECT_EQ(o.idle_timeout_ms, 1500);
}

TEST_F(S3Config, CredentialsFollowTheAwsCliOrder) {
  file("credentials", "[default]\naws_access_key_id = FILE_AK\naws_secret_access_key = FILE_SK\n\n"
                      "[other]\naws_access_key_id=OTHER_AK\naws_secret_access_key=OTHER_SK\naws_session_token=OTHER_T\n");
  file("config", "[default]\nregion = ap-south-1\n[profile cfg]\naws_access_key_id = CFG_AK\n"
                 "aws_secret_access_key = CFG_SK\nregion = eu-north-1\ns3 =\n  endpoint_url = http://10.0.0.1:9000\n");
  // Files only: the default profile, its region from the config file.
  auto o = parse("s3:///bkt");
  EXPECT_EQ(o.access_key, "FILE_AK");
  EXPECT_EQ(o.region, "ap-south-1");
  // The environment's keys win over the files.
  vars = {{"AWS_ACCESS_KEY_ID", "ENV_AK"}, {"AWS_SECRET_ACCESS_KEY", "ENV_SK"}, {"AWS_SESSION_TOKEN", "ENV_T"}};
  o = parse("s3:///bkt");
  EXPECT_EQ(o.access_key, "ENV_AK");
  EXPECT_EQ(o.session_token, "ENV_T");
  // AWS_PROFILE leaves the environment's keys first...
  vars["AWS_PROFILE"] = "other";
  EXPECT_EQ(parse("s3:///bkt").access_key, "ENV_AK");
  // ...but a profile named in the URI skips them.
  o = parse("s3:///bkt?profile=other");
  EXPECT_EQ(o.access_key, "OTHER_AK");
  EXPECT_EQ(o.session_token, "OTHER_T");
  // Keys in the URI win over everything ('+' is a space, %2B a plus, as parse_qs reads).
  o = parse("s3:///bkt?profile=other&key=URI_AK&secret=a%2Bb%2Fc&token=T");
  EXPECT_EQ(o.access_key, "URI_AK");
  EXPECT_EQ(o.secret_key, "a+b/c");
  EXPECT_EQ(o.session_token, "T");
  // A profile of the config file: its keys, region and s3 endpoint.
  vars.clear();
  o = parse("s3:///bkt?profile=cfg");
  EXPECT_EQ(o.access_key, "CFG_AK");
  EXPECT_EQ(o.region, "eu-north-1");
  EXPECT_EQ(o.endpoint, "http://10.0.0.1:9000");
  // Region and endpoint from the environment win over the profile's.
  vars = {{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "us-west-1"}, {"AWS_ENDPOINT_URL", "http://e:1"},
          {"AWS_ENDPOINT_URL_S3", "http://s3e:2"}};
  o = parse("s3:///bkt?profile=cfg");
  EXPECT_EQ(o.region, "us-west-2");
  EXPECT_EQ(o.endpoint, "http://s3e:2");
  // Other files, named by the environment.
  std::ofstream(home / "creds") << "[x]\naws_access_key_id=X\naws_secret_access_key=Y\n";
  vars = {{"AWS_SHARED_CREDENTIALS_FILE", (home / "creds").string()}, {"AWS_PROFILE", "x"}};
  EXPECT_EQ(parse("s3:///bkt").access_key, "X");
}

TEST_F(S3Config, BadSettingsAreClearErrors) {
  vars = {{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"}};
  EXPECT_NE(error("s3://host:1/").find("names no bucket"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?regoin=x").find("unknown option 'regoin'"), std::string::npos);
  EXPECT_NE(error("s3:///Bad_Bucket!").find("not a bucket name"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?endpoint_url=ftp://x").find("not an http:// or https:// URL"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?endpoint_url=http://x/path").find("without a path"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?connections=0").find("connections=0"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?timeout=soon").find("timeout=soon"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?key=only").find("give both key= and secret="), std::string::npos);
  EXPECT_NE(error("s3:///bkt/../x").find("'..'"), std::string::npos);
  // A secret in the URI never reaches a message.
  std::string msg = error("s3:///bkt?secret=hunter2&key=k&bad=1");
  EXPECT_EQ(msg.find("hunter2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("secret=***"), std::string::npos) << msg;
  vars.clear();
  EXPECT_NE(error("s3:///bkt").find("no AWS credentials found"), std::string::npos);
  EXPECT_NE(error("s3:///bkt?profile=ghost").find("AWS profile 'ghost' is in neither"), std::string::npos);
  file("config", "[profile sso]\nsso_session = corp\nregion = eu-west-1\n");
  EXPECT_NE(error("s3:///bkt?profile=sso").find("sso_session, which this version does not read yet"),
            std::string::npos);
}

}  // namespace
}  // namespace lakota
