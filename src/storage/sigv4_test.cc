#include "storage/sigv4.h"

#include <gtest/gtest.h>

namespace lakota::sigv4 {
namespace {

// The four example requests of AWS's "Signature Calculations for the Authorization Header"
// (Amazon S3 API reference, sig-v4-header-based-auth), with their published signatures.
const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const char* kDate = "20130524T000000Z";
const char* kEmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string signature_of(const std::string& authorization) {
  return authorization.substr(authorization.rfind("Signature=") + 10);
}

TEST(SigV4, AwsExampleGetObject) {
  Request r{"GET", "/test.txt", {},
            {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"},
             {"x-amz-content-sha256", kEmptySha}, {"x-amz-date", kDate}},
            kEmptySha};
  EXPECT_EQ(canonical_request(r),
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(r, kDate, "us-east-1", "s3"),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(authorization(r, kExample, kDate, "us-east-1"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, AwsExamplePutObject) {
  std::string body = "Welcome to Amazon S3.";
  std::string sha = sha256_hex(body);
  EXPECT_EQ(sha, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Request r{"PUT", "/test$file.text", {},
            {{"Host", "examplebucket.s3.amazonaws.com"}, {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
             {"x-amz-date", kDate}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}, {"x-amz-content-sha256", sha}},
            sha};
  EXPECT_EQ(signature_of(authorization(r, kExample, kDate, "us-east-1")),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, AwsExampleGetBucketLifecycle) {
  Request r{"GET", "/", {{"lifecycle", ""}},
            {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", kDate}, {"x-amz-content-sha256", kEmptySha}},
            kEmptySha};
  EXPECT_EQ(signature_of(authorization(r, kExample, kDate, "us-east-1")),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, AwsExampleListObjects) {
  Request r{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}},
            {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", kDate}, {"x-amz-content-sha256", kEmptySha}},
            kEmptySha};
  EXPECT_EQ(signature_of(authorization(r, kExample, kDate, "us-east-1")),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, EncodesAsAwsWants) {
  EXPECT_EQ(uri_encode("a b+c/d~e_f-g.h", true), "a%20b%2Bc/d~e_f-g.h");
  EXPECT_EQ(uri_encode("a/b", false), "a%2Fb");
  EXPECT_EQ(uri_encode("\xc3\xa9", true), "%C3%A9");
  EXPECT_EQ(uri_encode("=&?", false), "%3D%26%3F");
}

TEST(SigV4, FoldsHeaderSpaces) {
  Request r{"GET", "/", {}, {{"Host", "h"}, {"X-Amz-Meta-A", "  a   b  "}}, kEmptySha};
  EXPECT_NE(canonical_request(r).find("x-amz-meta-a:a b\n"), std::string::npos);
}

TEST(SigV4, Md5AndDate) {
  EXPECT_EQ(md5_base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(amz_date(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace lakota::sigv4
