// The S3 pod against a scripted server on loopback: each request gets the next scripted
// answer (a status, a reset connection, a stall, a truncated body), so that retries and
// the final errors are tested deterministically, through the real HTTP stack.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "api/test_pod.h"
#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace lakota {
namespace {

struct Answer {
  enum Kind { Reply, Reset, Stall, Truncate } kind = Reply;
  int status = 200;
  std::string body;
  std::vector<std::string> headers;
};

Answer reply(int status, std::string body = "", std::vector<std::string> headers = {}) {
  return Answer{Answer::Reply, status, std::move(body), std::move(headers)};
}
Answer error_reply(int status, const std::string& code) {
  return reply(status, "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>scripted</Message></Error>");
}

class ScriptedServer {
 public:
  ScriptedServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  int port() const { return port_; }
  void script(std::vector<Answer> answers) {
    std::lock_guard lock(mu_);
    for (auto& a : answers) script_.push_back(std::move(a));
  }
  // The request lines received ("GET /bucket/key?query").
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<std::string> headers_of(size_t i) {
    std::lock_guard lock(mu_);
    return headers_.at(i);
  }

 private:
  void serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      connections_.emplace_back([this, c] { handle(c); });  // a stalled one blocks no other
    }
  }

  void handle(int c) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      // Read one request: headers, then the body its Content-Length announces.
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return (void)::close(c);
        buffer.append(chunk, size_t(n));
      }
      std::string head = buffer.substr(0, end);
      size_t length = 0;
      std::vector<std::string> lines;
      for (size_t pos = 0; pos < head.size();) {
        size_t eol = head.find("\r\n", pos);
        if (eol == std::string::npos) eol = head.size();
        lines.push_back(head.substr(pos, eol - pos));
        pos = eol + 2;
      }
      for (auto& l : lines) {
        std::string lower = l;
        for (auto& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        if (lower.rfind("content-length:", 0) == 0) length = std::stoul(l.substr(15));
      }
      while (buffer.size() < end + 4 + length) {
        ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
        if (n <= 0) return (void)::close(c);
        buffer.append(chunk, size_t(n));
      }
      buffer.erase(0, end + 4 + length);
      std::string request_line = lines.empty() ? "" : lines[0].substr(0, lines[0].rfind(' '));
      Answer a = reply(200, "");
      {
        std::lock_guard lock(mu_);
        requests_.push_back(request_line);
        headers_.push_back(lines);
        if (!script_.empty()) {
          a = std::move(script_.front());
          script_.pop_front();
        }
      }
      bool head_request = request_line.rfind("HEAD ", 0) == 0;
      if (a.kind == Answer::Reset) {
        linger l{1, 0};  // RST, not FIN
        ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        ::close(c);
        return;
      }
      if (a.kind == Answer::Stall) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        ::close(c);
        return;
      }
      std::string out = "HTTP/1.1 " + std::to_string(a.status) + " Scripted\r\n";
      for (auto& h : a.headers) out += h + "\r\n";
      out += "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n";
      if (!head_request) out += a.kind == Answer::Truncate ? a.body.substr(0, a.body.size() / 2) : a.body;
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      if (a.kind == Answer::Truncate) return (void)::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::mutex mu_;
  std::deque<Answer> script_;
  std::vector<std::string> requests_;
  std::vector<std::vector<std::string>> headers_;
};

class S3FaultTest : public ::testing::Test {
 protected:
  PodPtr pod(int attempts = 4, uint64_t multipart_threshold = uint64_t(64) << 20) {
    S3Options o;
    o.multipart_threshold = multipart_threshold;
    o.connections = 1;
    o.endpoint = "http://127.0.0.1:" + std::to_string(server.port());
    o.bucket = "bkt";
    o.prefix = "repo";
    o.region = "us-east-1";
    o.access_key = "AKIDEXAMPLE";
    o.secret_key = "secret";
    o.profile = "the test's key";
    o.path_style = true;
    o.max_attempts = attempts;
    o.backoff_ms = 1;
    o.idle_timeout_ms = 1000;
    o.connect_timeout_ms = 1000;
    return make_s3_pod(o);
  }
  ScriptedServer server;
};

TEST_F(S3FaultTest, RetriesServerErrorsThenSucceeds) {
  server.script({error_reply(500, "InternalError"), error_reply(503, "SlowDown"), reply(502),
                 reply(200, "hello")});
  EXPECT_EQ(pod()->read("a/b"), "hello");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  for (auto& r : reqs) EXPECT_EQ(r, "GET /bkt/repo/a/b");
}

TEST_F(S3FaultTest, RetriesResetConnectionsTimeoutsAndTruncatedBodies) {
  Answer reset;
  reset.kind = Answer::Reset;
  Answer stall;
  stall.kind = Answer::Stall;
  Answer truncated = reply(200, std::string(1000, 'x'));
  truncated.kind = Answer::Truncate;
  server.script({reset, stall, truncated, reply(200, std::string(1000, 'y'))});
  EXPECT_EQ(pod()->read("seg"), std::string(1000, 'y'));
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(S3FaultTest, PersistentFailureNamesBucketKeyAndEndpoint) {
  server.script({error_reply(503, "SlowDown"), error_reply(503, "SlowDown"), error_reply(503, "SlowDown")});
  auto msg = error_of<StorageError>([&] { pod(3)->read("x/y"); });
  EXPECT_NE(msg.find("s3://bkt/repo/x/y"), std::string::npos) << msg;
  EXPECT_NE(msg.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos) << msg;
  EXPECT_NE(msg.find("SlowDown"), std::string::npos) << msg;
  EXPECT_NE(msg.find("after 3 attempts"), std::string::npos) << msg;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST_F(S3FaultTest, ClientErrorsAreNotRetried) {
  server.script({error_reply(403, "SignatureDoesNotMatch")});
  auto msg = error_of<AccessDenied>([&] { pod()->read("k"); });
  EXPECT_NE(msg.find("SignatureDoesNotMatch"), std::string::npos) << msg;
  EXPECT_NE(msg.find("*******MPLE"), std::string::npos) << msg;  // which key to check, masked
  EXPECT_EQ(msg.find("AKIDEXAMPLE"), std::string::npos) << msg;
  server.script({error_reply(404, "NoSuchKey")});
  EXPECT_THROW(pod()->read("k"), NotFound);
  server.script({error_reply(404, "NoSuchBucket")});
  msg = error_of<NotFound>([&] { pod()->ls(); });
  EXPECT_NE(msg.find("bucket 'bkt' does not exist"), std::string::npos) << msg;
  server.script({error_reply(400, "AuthorizationHeaderMalformed")});
  EXPECT_THROW(pod()->read("k"), StorageError);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(S3FaultTest, RegionMismatchNamesTheBucketsRegion) {
  server.script({reply(400,
                       "<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message>"
                       "<Region>eu-west-3</Region></Error>")});
  auto msg = error_of<InvalidInput>([&] { pod()->ls(); });
  EXPECT_NE(msg.find("region 'eu-west-3', not 'us-east-1'"), std::string::npos) << msg;
  server.script({reply(301, "", {"x-amz-bucket-region: ap-south-1"})});
  msg = error_of<InvalidInput>([&] { pod()->size("k"); });
  EXPECT_NE(msg.find("ap-south-1"), std::string::npos) << msg;
}

TEST_F(S3FaultTest, ConditionalPutAfterALostReplyIsOurs) {
  // The probe: first put accepted, the second refused: the store honours If-None-Match.
  // Then the write: its first attempt stores the object but the reply never comes (a
  // timeout); the retry gets 412; the object holds our bytes, so the write succeeded.
  Answer stall;
  stall.kind = Answer::Stall;
  server.script({reply(200), error_reply(412, "PreconditionFailed"), reply(204), stall,
                 error_reply(412, "PreconditionFailed"), reply(200, "payload")});
  EXPECT_TRUE(pod()->write("f", "payload"));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 6u);
  EXPECT_EQ(reqs[0].rfind("PUT /bkt/repo/.lakota-probe-", 0), 0u) << reqs[0];
  EXPECT_EQ(reqs[2].rfind("DELETE /bkt/repo/.lakota-probe-", 0), 0u) << reqs[2];
  EXPECT_EQ(reqs[3], "PUT /bkt/repo/f");
  bool conditional = false;
  for (auto& h : server.headers_of(3)) conditional = conditional || h == "if-none-match: *";
  EXPECT_TRUE(conditional);
  // Another writer's file under the same name: the put is refused, nothing replaced.
  server.script({error_reply(412, "PreconditionFailed")});
  EXPECT_FALSE(pod()->write("f", "payload"));
}

TEST_F(S3FaultTest, AFailedMultipartUploadIsAborted) {
  server.script({reply(200, "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>"),
                 error_reply(500, "InternalError"), error_reply(500, "InternalError"), reply(204)});
  std::string data(6 << 20, 'x');
  auto msg = error_of<StorageError>([&] { pod(2, 1 << 20)->write("big", data, true); });
  EXPECT_NE(msg.find("s3://bkt/repo/big"), std::string::npos) << msg;
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0], "POST /bkt/repo/big?uploads=");
  EXPECT_EQ(reqs[1], "PUT /bkt/repo/big?partNumber=1&uploadId=U1");
  EXPECT_EQ(reqs[3], "DELETE /bkt/repo/big?uploadId=U1");  // aborted: no part left behind
}

TEST_F(S3FaultTest, ACompletedUploadWhoseReplyWasLostIsOurs) {
  std::string data(6 << 20, 'x');
  Answer stall;
  stall.kind = Answer::Stall;
  server.script({reply(200, "<InitiateMultipartUploadResult><UploadId>U2</UploadId></InitiateMultipartUploadResult>"),
                 reply(200, "", {"ETag: \"e1\""}), stall, error_reply(404, "NoSuchUpload"), reply(200, data)});
  EXPECT_TRUE(pod(3, 1 << 20)->write("big", data, true));  // one part (parts are 16 MB)
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 5u);
  EXPECT_EQ(reqs[2], "POST /bkt/repo/big?uploadId=U2");
  EXPECT_EQ(reqs[3], "POST /bkt/repo/big?uploadId=U2");
  EXPECT_EQ(reqs[4], "GET /bkt/repo/big");
}

TEST_F(S3FaultTest, AProbeWhoseFirstReplyWasLostStillFindsConditionalPuts) {
  Answer stall;
  stall.kind = Answer::Stall;
  server.script({stall, error_reply(412, "PreconditionFailed"), reply(204), reply(200)});
  EXPECT_TRUE(pod()->write("f", "data"));
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[2].rfind("DELETE /bkt/repo/.lakota-probe-", 0), 0u) << reqs[2];  // no probe left behind
  bool conditional = false;
  for (auto& h : server.headers_of(3)) conditional = conditional || h == "if-none-match: *";
  EXPECT_TRUE(conditional);  // the store was found to honour the header
}

TEST_F(S3FaultTest, UnreachableEndpointIsAClearError) {
  S3Options o;
  o.endpoint = "http://127.0.0.1:9";  // discard port: nothing listens
  o.bucket = "bkt";
  o.region = "us-east-1";
  o.access_key = "a";
  o.secret_key = "b";
  o.path_style = true;
  o.max_attempts = 2;
  o.backoff_ms = 1;
  auto msg = error_of<StorageError>([&] { make_s3_pod(o)->ls(); });
  EXPECT_NE(msg.find("cannot connect"), std::string::npos) << msg;
  EXPECT_NE(msg.find("http://127.0.0.1:9"), std::string::npos) << msg;
}

}  // namespace
}  // namespace lakota
