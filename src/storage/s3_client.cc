#include "storage/s3_client.h"

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "lakota/error.h"
#include "storage/sigv4.h"

namespace lakota {
namespace {

bool retryable_status(long status, const std::string& code) {
  if (status >= 500) return status != 501;  // 501: the store does not implement it
  if (status == 429) return true;
  if (status == 400 && (code == "RequestTimeout" || code == "RequestTimeoutException")) return true;
  if (status == 409 && code == "ConditionalRequestConflict") return true;
  return false;
}

bool retryable_failure(TransportFailure::Kind kind) {
  return kind == TransportFailure::Kind::Connect || kind == TransportFailure::Kind::Timeout ||
         kind == TransportFailure::Kind::Broken;
}

std::string failure_name(TransportFailure::Kind kind) {
  switch (kind) {
    case TransportFailure::Kind::Connect: return "cannot connect";
    case TransportFailure::Kind::Timeout: return "timed out";
    case TransportFailure::Kind::Broken: return "connection broken";
    case TransportFailure::Kind::Tls: return "TLS failure";
    case TransportFailure::Kind::Other: return "request failed";
  }
  return "request failed";
}

// Milliseconds before retry `attempt` (1 for the first retry): exponential, with jitter so
// that many clients refused at once do not come back at once.
long backoff(long base_ms, int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  double ceiling = double(base_ms) * double(1L << std::min(attempt - 1, 10));
  ceiling = std::min(ceiling, 20000.0);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return long(ceiling * jitter(rng));
}

// An access key as the AWS CLI shows it: its last four characters.
std::string masked(const std::string& key) {
  if (key.size() <= 4) return "****";
  return std::string(key.size() - 4, '*') + key.substr(key.size() - 4);
}

long long unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string host_of(const std::string& endpoint) {
  auto s = endpoint.find("://");
  return s == std::string::npos ? endpoint : endpoint.substr(s + 3);
}

}  // namespace

std::string xml_text(std::string_view xml, const char* name) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return {};
  return doc.document_element().child(name).text().as_string();
}

S3Client::S3Client(S3Options options)
    : options_(std::move(options)),
      http_(HttpOptions{options_.connect_timeout_ms, options_.idle_timeout_ms, options_.verify_tls, options_.ca_bundle}) {}

std::string S3Client::endpoint_name() const {
  if (!options_.endpoint.empty()) return options_.endpoint;
  return "AWS S3 (" + options_.region + ")";
}

std::string S3Client::where(std::string_view key) const {
  return "s3://" + options_.bucket + "/" + std::string(key) + " at " + endpoint_name();
}

std::string S3Client::url(const S3Call& call, std::string* host, std::string* path) const {
  std::string scheme = "https";
  if (!options_.endpoint.empty()) {
    scheme = options_.endpoint.substr(0, options_.endpoint.find("://"));
    *host = host_of(options_.endpoint);
  } else {
    std::string domain = options_.region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    *host = "s3." + options_.region + "." + domain;
  }
  if (options_.path_style) {
    *path = "/" + options_.bucket + "/" + call.key;
  } else {
    *host = options_.bucket + "." + *host;
    *path = "/" + call.key;
  }
  std::string out = scheme + "://" + *host + sigv4::uri_encode(*path, true);
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : call.query) q.emplace_back(sigv4::uri_encode(k, false), sigv4::uri_encode(v, false));
  std::sort(q.begin(), q.end());
  for (size_t i = 0; i < q.size(); ++i) out += (i ? "&" : "?") + q[i].first + "=" + q[i].second;
  return out;
}

S3Reply S3Client::send(const S3Call& call) const {
  std::string host, path;
  std::string target = url(call, &host, &path);
  std::string payload_hash = sigv4::sha256_hex(call.body);
  TransportFailure last_failure;
  S3Reply reply;
  bool sent_before = false;
  for (int attempt = 1;; ++attempt) {
    sigv4::Request sr;
    sr.method = call.method;
    sr.path = path;
    sr.query = call.query;
    sr.headers = call.headers;
    std::string date = sigv4::amz_date(unix_now());
    sr.headers.emplace_back("host", host);
    sr.headers.emplace_back("x-amz-date", date);
    sr.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!options_.session_token.empty()) sr.headers.emplace_back("x-amz-security-token", options_.session_token);
    sr.payload_sha256 = payload_hash;
    sigv4::Credentials creds{options_.access_key, options_.secret_key, options_.session_token};
    HttpRequest req;
    req.method = call.method;
    req.url = target;
    req.headers = sr.headers;
    req.headers.emplace_back("Authorization", sigv4::authorization(sr, creds, date, options_.region));
    req.body = call.body;

    auto result = http_.perform(req, call.expected_size);
    bool retry = false;
    if (!result.response) {
      last_failure = result.failure;
      retry = retryable_failure(result.failure.kind);
      if (result.failure.kind != TransportFailure::Kind::Connect) sent_before = true;
    } else {
      HttpResponse& r = *result.response;
      reply = S3Reply{};
      reply.http = std::move(r);
      reply.retried_after_send = sent_before || result.maybe_resent;
      if (reply.http.status >= 300 && !reply.http.body.empty()) {
        pugi::xml_document doc;
        if (doc.load_buffer(reply.http.body.data(), reply.http.body.size())) {
          auto root = doc.document_element();
          if (std::string_view(root.name()) == "Error") {
            reply.code = root.child("Code").text().as_string();
            reply.message = root.child("Message").text().as_string();
            reply.region = root.child("Region").text().as_string();
          }
        }
      }
      if (auto r2 = reply.http.header("x-amz-bucket-region"); r2 && reply.region.empty()) reply.region = *r2;
      // A reply shorter than it says is a broken connection.
      if (reply.http.status < 300 && call.method != "HEAD") {
        if (auto len = reply.http.header("content-length")) {
          if (*len != std::to_string(reply.http.body.size())) {
            last_failure = {TransportFailure::Kind::Broken, "reply body shorter than its Content-Length"};
            retry = true;
            sent_before = true;
          }
        }
      }
      if (!retry) {
        retry = retryable_status(reply.http.status, reply.code);
        if (retry) {
          sent_before = true;
          last_failure = {TransportFailure::Kind::Other, "HTTP " + std::to_string(reply.http.status) +
                                                             (reply.code.empty() ? "" : " " + reply.code) +
                                                             (reply.message.empty() ? "" : ": " + reply.message)};
        }
      }
      if (!retry) break;
    }
    if (!retry || attempt >= options_.max_attempts) {
      std::string what = failure_name(last_failure.kind);
      std::string hint = last_failure.kind == TransportFailure::Kind::Connect
                             ? "check the endpoint and that the server runs"
                         : last_failure.kind == TransportFailure::Kind::Tls
                             ? "check the endpoint's certificate, or verify=false for a test server"
                             : "the store may be overloaded or unreachable: try again";
      throw StorageError(call.method + " " + where(call.key) + ": " + what + " (" + last_failure.message + ") after " +
                         std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts") + "; " + hint);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff(options_.backoff_ms, attempt)));
  }

  long status = reply.http.status;
  const std::string& code = reply.code;
  std::string bucket = "bucket '" + options_.bucket + "'";
  if (code == "NoSuchBucket") {
    throw NotFound(bucket + " does not exist at " + endpoint_name() +
                   ": check the bucket name in the repository URI, or create the bucket");
  }
  bool region_error = code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" ||
                      code == "IllegalLocationConstraintException" || status == 301;
  if (region_error && !reply.region.empty() && reply.region != options_.region) {
    throw InvalidInput(bucket + " is in region '" + reply.region + "', not '" + options_.region +
                       "': put region=" + reply.region + " in the repository URI, or set AWS_REGION=" + reply.region);
  }
  if (status == 301 || status == 307) {
    throw InvalidInput(bucket + " is not served at " + endpoint_name() +
                       (reply.region.empty() ? std::string() : " (its region: " + reply.region + ")") +
                       ": check the endpoint and the region");
  }
  if (status == 403 && code != "PreconditionFailed") {
    std::string reason = code.empty() ? "HTTP 403" : code + (reply.message.empty() ? "" : ": " + reply.message);
    std::string hint = code == "RequestTimeTooSkewed" ? "check this machine's clock"
                       : code == "ExpiredToken"        ? "the session token has expired: renew it"
                                                       : "check the credentials (" + options_.profile +
                                                             ", access key " + masked(options_.access_key) +
                                                             ") and their rights on the bucket";
    throw AccessDenied(call.method + " " + where(call.key) + " refused (" + reason + "): " + hint);
  }
  return reply;
}

void S3Client::fail(const S3Call& call, const S3Reply& reply) const {
  std::string reason = "HTTP " + std::to_string(reply.http.status);
  if (!reply.code.empty()) reason += " " + reply.code;
  if (!reply.message.empty()) reason += ": " + reply.message;
  throw StorageError(call.method + " " + where(call.key) + " failed (" + reason + ")");
}

}  // namespace lakota
