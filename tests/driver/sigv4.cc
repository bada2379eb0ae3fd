// Signs requests read as JSON lines on stdin with our SigV4 signer and prints one
// Authorization header per line: the botocore differential test (tests/test_s3.py) feeds
// it the requests it also signs with botocore. Tests only.
#include <iostream>
#include <nlohmann/json.hpp>

#include "storage/sigv4.h"

int main() {
  using namespace lakota::sigv4;
  std::string line;
  while (std::getline(std::cin, line)) {
    auto j = nlohmann::json::parse(line);
    Request r;
    r.method = j["method"];
    r.path = j["path"];
    for (const auto& q : j["query"]) r.query.emplace_back(q[0], q[1]);
    for (const auto& h : j["headers"]) r.headers.emplace_back(h[0], h[1]);
    r.payload_sha256 = sha256_hex(j["body"].get<std::string>());
    Credentials c{j["key"], j["secret"], j.value("token", "")};
    std::cout << authorization(r, c, j["date"].get<std::string>(), j["region"].get<std::string>()) << "\n";
  }
}
