// Signed S3 requests on one bucket, with retries: the part of the S3 pod that speaks HTTP.
// Safe to share between threads. Internal to storage.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lakota/storage/s3.h"
#include "storage/http.h"

namespace lakota {

struct S3Call {
  std::string method;
  std::string key;  // object key in the bucket; empty for a bucket-level request
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  size_t expected_size = 0;  // reserve the reply's body
};

// An S3 error reply, parsed.
struct S3Reply {
  HttpResponse http;
  std::string code;     // <Code> of an error body ("NoSuchKey", ...), or empty
  std::string message;  // <Message>
  std::string region;   // <Region> or x-amz-bucket-region, when the store says
  // Whether an earlier attempt of this call may have reached the store.
  bool retried_after_send = false;
};

class S3Client {
 public:
  explicit S3Client(S3Options options);

  // Sends `call` until it gets an answer that is not worth retrying, or runs out of
  // attempts (then StorageError naming the bucket, key and endpoint). Statuses that no
  // retry changes are returned as they are, except the ones that say the whole setup is
  // wrong, which throw: an unknown bucket (NotFound), refused credentials (AccessDenied),
  // a bucket in another region (InvalidInput).
  S3Reply send(const S3Call& call) const;

  // "s3://bucket/key at endpoint": names an object in messages.
  std::string where(std::string_view key) const;
  const S3Options& options() const { return options_; }

  // Raises the StorageError for an unexpected reply to `call`.
  [[noreturn]] void fail(const S3Call& call, const S3Reply& reply) const;

 private:
  std::string url(const S3Call& call, std::string* host, std::string* path) const;
  std::string endpoint_name() const;

  S3Options options_;
  HttpClient http_;
};

// Text of the first <name> element under the root of an XML document (empty if none).
std::string xml_text(std::string_view xml, const char* name);

}  // namespace lakota
