#include "storage/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "lakota/encoding/hash.h"

namespace lakota::sigv4 {
namespace {

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       md, &n);
  return std::string(reinterpret_cast<char*>(md), n);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trimmed, with inner runs of spaces folded to one.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> canonical_headers(const Request& r) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : r.headers) out.emplace_back(lower(k), canonical_value(v));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string signed_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i && headers[i].first == headers[i - 1].first) continue;
    if (i) out += ';';
    out += headers[i].first;
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || (c == '/' && keep_slash)) {
      out += char(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return to_hex(md, sizeof md);
}

std::string md5_base64(std::string_view data) {
  unsigned char md[MD5_DIGEST_LENGTH];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
  unsigned char out[4 * ((MD5_DIGEST_LENGTH + 2) / 3) + 1];
  int len = EVP_EncodeBlock(out, md, int(n));
  return std::string(reinterpret_cast<char*>(out), size_t(len));
}

std::string amz_date(long long unix_seconds) {
  std::time_t t = std::time_t(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string canonical_request(const Request& r) {
  std::string out = r.method + "\n" + uri_encode(r.path.empty() ? "/" : r.path, true) + "\n";
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : r.query) q.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(q.begin(), q.end());
  for (size_t i = 0; i < q.size(); ++i) {
    if (i) out += '&';
    out += q[i].first + "=" + q[i].second;
  }
  out += '\n';
  auto headers = canonical_headers(r);
  // A header sent twice is signed once, its values joined by commas.
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i && headers[i].first == headers[i - 1].first) continue;
    out += headers[i].first + ":" + headers[i].second;
    for (size_t j = i + 1; j < headers.size() && headers[j].first == headers[i].first; ++j) out += "," + headers[j].second;
    out += '\n';
  }
  out += '\n' + signed_headers(headers) + '\n' + r.payload_sha256;
  return out;
}

std::string string_to_sign(const Request& r, std::string_view date, std::string_view region,
                           std::string_view service) {
  std::string scope = std::string(date.substr(0, 8)) + "/" + std::string(region) + "/" + std::string(service) +
                      "/aws4_request";
  return "AWS4-HMAC-SHA256\n" + std::string(date) + "\n" + scope + "\n" + sha256_hex(canonical_request(r));
}

std::string authorization(const Request& r, const Credentials& creds, std::string_view date,
                          std::string_view region, std::string_view service) {
  std::string day(date.substr(0, 8));
  std::string key = hmac("AWS4" + creds.secret_key, day);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, "aws4_request");
  std::string sig = hmac(key, string_to_sign(r, date, region, service));
  return "AWS4-HMAC-SHA256 Credential=" + creds.access_key + "/" + day + "/" + std::string(region) + "/" +
         std::string(service) + "/aws4_request,SignedHeaders=" + signed_headers(canonical_headers(r)) +
         ",Signature=" + to_hex(sig.data(), sig.size());
}

}  // namespace lakota::sigv4
