// S3 settings: the repository URI, the AWS environment variables and the user's ~/.aws
// files, read in the AWS CLI's order of precedence.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace lakota {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An AWS ini file: section -> key -> value. A nested block ("s3 =" then indented
// "addressing_style = path") gives the key "s3.addressing_style".
using Ini = std::map<std::string, std::map<std::string, std::string>>;

Ini read_ini(const std::string& path) {
  Ini out;
  std::ifstream in(path);
  if (!in) return out;
  std::string line, section, parent;
  while (std::getline(in, line)) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(std::string_view(t).substr(1, t.size() - 2));
      parent.clear();
      out[section];
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    std::string key = lower(trim(std::string_view(t).substr(0, eq)));
    std::string value = trim(std::string_view(t).substr(eq + 1));
    bool indented = !line.empty() && std::isspace(static_cast<unsigned char>(line[0]));
    if (indented && !parent.empty()) {
      out[section][parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : "";
    out[section][key] = value;
  }
  return out;
}

// application/x-www-form-urlencoded, as Python's parse_qs reads a query: '+' is a space.
std::string form_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 255) return false;
  for (char c : b)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

// Virtual-hosted addressing needs a bucket that is a valid host name label (no dots: they
// break the certificate's wildcard), as boto3 decides.
bool dns_compatible(std::string_view b) {
  if (b.size() < 3 || b.size() > 63 || b.front() == '-' || b.back() == '-') return false;
  for (char c : b)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string check_endpoint(const std::string& uri, std::string endpoint, const std::string& origin) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  auto scheme = endpoint.find("://");
  std::string s = scheme == std::string::npos ? "" : lower(endpoint.substr(0, scheme));
  if (s != "http" && s != "https") {
    throw InvalidInput("repository URI '" + uri + "': endpoint '" + endpoint + "' (from " + origin +
                       ") is not an http:// or https:// URL");
  }
  std::string rest = endpoint.substr(scheme + 3);
  if (rest.empty() || rest.find('/') != std::string::npos || rest.find('?') != std::string::npos) {
    throw InvalidInput("repository URI '" + uri + "': endpoint '" + endpoint + "' (from " + origin +
                       ") must be scheme://host[:port], without a path");
  }
  return s + "://" + rest;
}

long seconds_option(const std::string& uri, const std::string& name, const std::string& value) {
  try {
    size_t used = 0;
    double v = std::stod(value, &used);
    if (used == value.size() && v > 0 && v < 86400) return std::max(1L, long(v * 1000));
  } catch (const std::exception&) {
  }
  throw InvalidInput("repository URI '" + uri + "': " + name + "=" + value + " is not a number of seconds above 0");
}

long count_option(const std::string& uri, const std::string& name, const std::string& value, long lo, long hi) {
  try {
    size_t used = 0;
    long v = std::stol(value, &used);
    if (used == value.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  throw InvalidInput("repository URI '" + uri + "': " + name + "=" + value + " is not a whole number from " +
                     std::to_string(lo) + " to " + std::to_string(hi));
}

// The URI as messages show it: the values of the secret and the token masked (their
// names read as the query is read, %-escapes included).
std::string redacted(const std::string& uri) {
  auto q = uri.find('?');
  if (q == std::string::npos) return uri;
  std::string out = uri.substr(0, q + 1);
  std::stringstream qs(uri.substr(q + 1));
  bool first = true;
  for (std::string item; std::getline(qs, item, '&');) {
    if (!first) out += '&';
    first = false;
    auto eq = item.find('=');
    std::string name = form_decode(item.substr(0, eq));
    if (eq != std::string::npos && (name == "secret" || name == "token")) out += item.substr(0, eq) + "=***";
    else out += item;
  }
  return out;
}

}  // namespace

AwsEnvironment AwsEnvironment::process() {
  AwsEnvironment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  const char* home = std::getenv("HOME");
  env.home = home ? home : "";
  return env;
}

S3Options s3_options_from_uri(const std::string& full_uri, const AwsEnvironment& env) {
  const std::string uri = redacted(full_uri);  // what messages show
  const std::string scheme = "s3://";
  if (full_uri.rfind(scheme, 0) != 0) throw InvalidInput("repository URI '" + uri + "' is not an s3:// URI");
  std::string rest = full_uri.substr(scheme.size());
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto slash = rest.find('/');
  std::string netloc = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);

  std::map<std::string, std::string> params;
  std::stringstream qs(query);
  for (std::string item; std::getline(qs, item, '&');) {
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string k = form_decode(item.substr(0, eq)), v = eq == std::string::npos ? "" : form_decode(item.substr(eq + 1));
    static const char* known[] = {"profile", "key",         "secret",  "token",          "verify",     "region",
                                  "endpoint_url", "connections", "max_attempts", "timeout", "connect_timeout"};
    bool ok = false;
    for (auto* n : known) ok = ok || k == n;
    if (!ok) {
      throw InvalidInput("repository URI '" + uri + "': unknown option '" + k +
                         "' (expected profile, key, secret, token, verify, region, endpoint_url, connections, "
                         "max_attempts, timeout or connect_timeout)");
    }
    params.emplace(k, v);  // the first value wins, as in the reference
  }
  auto param = [&](const char* k) -> std::optional<std::string> {
    auto it = params.find(k);
    if (it == params.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };

  S3Options o;
  // Bucket and prefix.
  std::vector<std::string> parts;
  std::stringstream ps(path);
  for (std::string p; std::getline(ps, p, '/');)
    if (!p.empty() && p != ".") parts.push_back(p);
  if (parts.empty()) {
    throw InvalidInput("repository URI '" + uri +
                       "' names no bucket (expected s3:///bucket/prefix, or s3://host:port/bucket/prefix)");
  }
  for (const auto& p : parts)
    if (p == "..") throw InvalidInput("repository URI '" + uri + "': '..' is not allowed in a bucket path");
  o.bucket = parts[0];
  if (!valid_bucket(o.bucket)) {
    throw InvalidInput("repository URI '" + uri + "': '" + o.bucket +
                       "' is not a bucket name (3 to 63 letters, digits, dots and hyphens)");
  }
  for (size_t i = 1; i < parts.size(); ++i) o.prefix += (i > 1 ? "/" : "") + parts[i];

  // Files and profile.
  auto getenv = [&](const char* name) { return env.getenv ? env.getenv(name) : std::nullopt; };
  std::string cred_file = getenv("AWS_SHARED_CREDENTIALS_FILE").value_or(env.home + "/.aws/credentials");
  std::string conf_file = getenv("AWS_CONFIG_FILE").value_or(env.home + "/.aws/config");
  bool profile_explicit = param("profile").has_value();
  std::optional<std::string> named = param("profile");
  if (!named) named = getenv("AWS_PROFILE");
  if (!named) named = getenv("AWS_DEFAULT_PROFILE");
  std::string profile = named.value_or("default");
  Ini creds_ini = read_ini(cred_file), conf_ini = read_ini(conf_file);
  const std::map<std::string, std::string>* creds_section = nullptr;
  const std::map<std::string, std::string>* conf_section = nullptr;
  if (auto it = creds_ini.find(profile); it != creds_ini.end()) creds_section = &it->second;
  if (auto it = conf_ini.find(profile == "default" ? "default" : "profile " + profile); it != conf_ini.end())
    conf_section = &it->second;
  else if (auto it2 = conf_ini.find(profile); it2 != conf_ini.end() && profile == "default")
    conf_section = &it2->second;
  if (named && !creds_section && !conf_section) {
    throw InvalidInput("repository URI '" + uri + "': AWS profile '" + profile + "' is in neither " + cred_file +
                       " nor " + conf_file);
  }
  auto setting = [](const std::map<std::string, std::string>* s, const char* k) -> std::optional<std::string> {
    if (!s) return std::nullopt;
    auto it = s->find(k);
    if (it == s->end() || it->second.empty()) return std::nullopt;
    return it->second;
  };

  // Credentials: the URI, then the environment (unless the URI names a profile), then the
  // profile in the credentials file, then in the config file.
  auto key = param("key"), secret = param("secret");
  if (key.has_value() != secret.has_value()) {
    throw InvalidInput("repository URI '" + uri + "': give both key= and secret=, or neither");
  }
  if (key) {
    o.access_key = *key;
    o.secret_key = *secret;
    o.session_token = param("token").value_or("");
    o.profile = "the URI's key";
  } else if (!profile_explicit && getenv("AWS_ACCESS_KEY_ID") && getenv("AWS_SECRET_ACCESS_KEY")) {
    o.access_key = *getenv("AWS_ACCESS_KEY_ID");
    o.secret_key = *getenv("AWS_SECRET_ACCESS_KEY");
    o.session_token = getenv("AWS_SESSION_TOKEN").value_or("");
    o.profile = "AWS_ACCESS_KEY_ID";
  } else {
    for (auto* section : {creds_section, conf_section}) {
      auto k = setting(section, "aws_access_key_id"), s = setting(section, "aws_secret_access_key");
      if (k && s) {
        o.access_key = *k;
        o.secret_key = *s;
        o.session_token = setting(section, "aws_session_token").value_or("");
        o.profile = "profile '" + profile + "' of " + (section == creds_section ? cred_file : conf_file);
        break;
      }
    }
    if (o.access_key.empty()) {
      for (const char* k : {"credential_process", "sso_session", "sso_start_url", "role_arn", "web_identity_token_file"}) {
        if (setting(conf_section, k) || setting(creds_section, k)) {
          throw InvalidInput("repository URI '" + uri + "': AWS profile '" + profile + "' gets its credentials through " +
                             k + ", which this version does not read yet: give static keys (key= and secret= in the "
                             "URI, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or aws_access_key_id in the profile)");
        }
      }
      throw InvalidInput("repository URI '" + uri +
                         "': no AWS credentials found: give key= and secret= in the URI, set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, or name a profile of " + cred_file + " (profile=, AWS_PROFILE)");
    }
  }

  // Region and endpoint.
  if (auto r = param("region")) o.region = *r;
  else if (auto r2 = getenv("AWS_REGION")) o.region = *r2;
  else if (auto r3 = getenv("AWS_DEFAULT_REGION")) o.region = *r3;
  else if (auto r4 = setting(conf_section, "region")) o.region = *r4;
  else o.region = "us-east-1";

  if (!netloc.empty()) o.endpoint = check_endpoint(uri, "http://" + netloc, "the URI's host");
  else if (auto e = param("endpoint_url")) o.endpoint = check_endpoint(uri, *e, "endpoint_url");
  else if (auto e2 = getenv("AWS_ENDPOINT_URL_S3")) o.endpoint = check_endpoint(uri, *e2, "AWS_ENDPOINT_URL_S3");
  else if (auto e3 = getenv("AWS_ENDPOINT_URL")) o.endpoint = check_endpoint(uri, *e3, "AWS_ENDPOINT_URL");
  else if (auto e4 = setting(conf_section, "s3.endpoint_url")) o.endpoint = check_endpoint(uri, *e4, "the profile's s3 endpoint_url");
  else if (auto e5 = setting(conf_section, "endpoint_url")) o.endpoint = check_endpoint(uri, *e5, "the profile's endpoint_url");

  std::string style = setting(conf_section, "s3.addressing_style").value_or("auto");
  if (style == "path") o.path_style = true;
  else if (style == "virtual") o.path_style = false;
  else o.path_style = !o.endpoint.empty() || !dns_compatible(o.bucket);

  if (auto v = params.find("verify"); v != params.end()) o.verify_tls = lower(v->second) != "false";
  if (auto ca = getenv("AWS_CA_BUNDLE")) o.ca_bundle = *ca;
  else if (auto ca2 = getenv("REQUESTS_CA_BUNDLE")) o.ca_bundle = *ca2;
  else if (auto ca3 = setting(conf_section, "ca_bundle")) o.ca_bundle = *ca3;

  if (auto v = param("connections")) o.connections = size_t(count_option(uri, "connections", *v, 1, 256));
  if (auto v = param("max_attempts")) o.max_attempts = int(count_option(uri, "max_attempts", *v, 1, 50));
  else if (auto v2 = getenv("AWS_MAX_ATTEMPTS")) o.max_attempts = int(count_option(uri, "AWS_MAX_ATTEMPTS", *v2, 1, 50));
  if (auto v = param("timeout")) o.idle_timeout_ms = seconds_option(uri, "timeout", *v);
  if (auto v = param("connect_timeout")) o.connect_timeout_ms = seconds_option(uri, "connect_timeout", *v);
  return o;
}

}  // namespace lakota
