// A small HTTP client over libcurl for the storage backends (S3 now, HTTP repositories
// later). It only moves requests and responses: signing, retries and the meaning of a
// status are the caller's. Connections are kept alive and reused: each client holds a pool
// of curl handles, one per request in flight. Safe to share between threads.
// Internal to storage.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakota {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // full URL, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // not copied: must outlive the call
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  // The value of header `name` (lower case), if the response has it.
  std::optional<std::string> header(std::string_view name) const;
};

// A request that got no complete response.
struct TransportFailure {
  enum class Kind {
    Connect,   // could not connect (refused, unreachable, DNS)
    Timeout,   // connecting or waiting for bytes took too long
    Broken,    // the connection was reset, or closed before the whole response came
    Tls,       // certificate or TLS failure
    Other,
  };
  Kind kind = Kind::Other;
  std::string message;  // curl's explanation
};

struct HttpOptions {
  long connect_timeout_ms = 10000;
  // A request fails when no byte moves in either direction for this long.
  long idle_timeout_ms = 30000;
  bool verify_tls = true;
  std::string ca_bundle;  // a CA file instead of the system's, if set
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`; the response whatever its status, or the transport failure.
  // `expected_size` reserves the body's buffer when the caller knows it.
  struct Result {
    std::optional<HttpResponse> response;
    TransportFailure failure;
    // curl sent the request's body a second time on its own (a kept-alive connection died
    // under it): the first one may have reached the server.
    bool maybe_resent = false;
  };
  Result perform(const HttpRequest& request, size_t expected_size = 0) const;

 private:
  struct Pool;
  HttpOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace lakota
