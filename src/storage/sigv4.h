// AWS Signature Version 4 for S3 requests, over OpenSSL (curl's own AWS signing leaves out
// what S3 needs: see DESIGN.md). Pure functions, safe from any thread. Internal to storage.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lakota::sigv4 {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty unless temporary credentials
};

// What the signature covers. Header names may be in any case; values are trimmed and
// inner runs of spaces folded, as the canonical request wants.
struct Request {
  std::string method;                                        // GET, PUT, ...
  std::string path;                                          // raw (not encoded) path, starting with '/'
  std::vector<std::pair<std::string, std::string>> query;    // raw names and values
  std::vector<std::pair<std::string, std::string>> headers;  // must hold "host"
  std::string payload_sha256;                                // hex, or "UNSIGNED-PAYLOAD"
};

// RFC 3986 percent-encoding as AWS wants it: unreserved characters kept, every other byte
// %XX in upper case; '/' kept when `keep_slash` (paths), encoded otherwise (query parts).
std::string uri_encode(std::string_view s, bool keep_slash);

std::string sha256_hex(std::string_view data);
// Base64 of the MD5 of `data` (the Content-MD5 header DeleteObjects needs).
std::string md5_base64(std::string_view data);

// "YYYYMMDDTHHMMSSZ" for a Unix time in seconds.
std::string amz_date(long long unix_seconds);

// The steps, exposed for the tests.
std::string canonical_request(const Request& r);
std::string string_to_sign(const Request& r, std::string_view amz_date, std::string_view region,
                           std::string_view service);

// The Authorization header's value for `r` signed at `amz_date` ("YYYYMMDDTHHMMSSZ").
// `r` must already carry the x-amz-date (and x-amz-content-sha256, x-amz-security-token)
// headers it is sent with.
std::string authorization(const Request& r, const Credentials& creds, std::string_view amz_date,
                          std::string_view region, std::string_view service = "s3");

}  // namespace lakota::sigv4
