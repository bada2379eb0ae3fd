#include "storage/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cctype>
#include <mutex>

#include "lakota/error.h"

namespace lakota {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
  });
}

struct Receiver {
  HttpResponse* response;
  size_t expected;
  bool head;  // a HEAD reply's Content-Length is the object's, with no body to hold
};

// Callbacks run inside libcurl's C code: no exception may leave them (a failed allocation
// aborts the transfer instead, and the request fails).
size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Receiver*>(user);
  try {
    r->response->body.append(data, size * n);
  } catch (...) {
    return 0;
  }
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) try {
  auto* r = static_cast<Receiver*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    r->response->headers.clear();  // a new response (after a 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  if (name == "content-length" && r->expected == 0 && !r->head) {
    size_t len = 0;
    for (char c : value) {
      if (c < '0' || c > '9' || len > (size_t(1) << 40)) {
        len = 0;
        break;
      }
      len = len * 10 + size_t(c - '0');
    }
    if (len && len <= (size_t(1) << 32)) r->response->body.reserve(len);
  }
  r->response->headers.emplace_back(std::move(name), std::string(value));
  return size * n;
} catch (...) {
  return 0;
}

// The body of a request, handed to curl as it asks. A rewind after bytes went out means
// curl is sending the request again (it does so on its own when a kept-alive connection
// dies under a request): the first one may have reached the server.
struct Sender {
  std::string_view body;
  size_t pos = 0;
  bool resent = false;
};

size_t on_send(char* out, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sender*>(user);
  size_t k = std::min(size * n, s->body.size() - s->pos);
  std::memcpy(out, s->body.data() + s->pos, k);
  s->pos += k;
  return k;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto* s = static_cast<Sender*>(user);
  if (origin != SEEK_SET || offset < 0 || size_t(offset) > s->body.size()) return CURL_SEEKFUNC_CANTSEEK;
  if (s->pos > 0) s->resent = true;
  s->pos = size_t(offset);
  return CURL_SEEKFUNC_OK;
}

TransportFailure::Kind kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::Kind::Connect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::Kind::Timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return TransportFailure::Kind::Broken;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return TransportFailure::Kind::Tls;
    default:
      return TransportFailure::Kind::Other;
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

struct HttpClient::Pool {
  std::mutex mu;
  std::vector<CURL*> idle;
  ~Pool() {
    for (auto* h : idle) curl_easy_cleanup(h);
  }
  CURL* take() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (!h) throw Error("cannot create a libcurl handle");
    return h;
  }
  void give(CURL* h) {
    std::lock_guard lock(mu);
    idle.push_back(h);
  }
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  init_curl_once();
}

HttpClient::~HttpClient() = default;

HttpClient::Result HttpClient::perform(const HttpRequest& request, size_t expected_size) const {
  CURL* h = pool_->take();
  struct Return {
    Pool* pool;
    CURL* h;
    bool keep = true;
    ~Return() {
      if (keep) pool->give(h);
      else curl_easy_cleanup(h);
    }
  } back{pool_.get(), h};
  curl_easy_reset(h);  // keeps the open connection, forgets the last request's options

  HttpResponse response;
  if (expected_size) response.body.reserve(expected_size);
  Receiver receiver{&response, expected_size, request.method == "HEAD"};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  // No "Expect: 100-continue" round trip, and no default form content type on bodies.
  headers = curl_slist_append(headers, "Expect:");
  bool typed = std::any_of(request.headers.begin(), request.headers.end(), [](const auto& kv) {
    std::string k = kv.first;
    for (auto& c : k) c = char(std::tolower(static_cast<unsigned char>(c)));
    return k == "content-type";
  });
  if (!typed && (request.method == "PUT" || request.method == "POST")) headers = curl_slist_append(headers, "Content-Type:");
  struct FreeList {
    curl_slist* l;
    ~FreeList() { curl_slist_free_all(l); }
  } free_headers{headers};

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  // Idle timeout: fewer than 1 byte per second for that long.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, std::max(1L, (options_.idle_timeout_ms + 999) / 1000));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &receiver);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &receiver);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "lakota-cpp/" LAKOTA_VERSION);
  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
    }
  }
  Sender sender{request.body};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, on_send);
  curl_easy_setopt(h, CURLOPT_READDATA, &sender);
  curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, on_seek);
  curl_easy_setopt(h, CURLOPT_SEEKDATA, &sender);
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  Result result;
  if (code != CURLE_OK) {
    back.keep = code != CURLE_OPERATION_TIMEDOUT;  // a stalled connection is not reused
    result.failure.kind = kind_of(code);
    result.failure.message = error[0] ? error : curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  result.maybe_resent = sender.resent;
  result.response = std::move(response);
  return result;
}

}  // namespace lakota
