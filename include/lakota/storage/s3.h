// The S3 pod: a repository in a bucket of any S3-compatible store (AWS S3, MinIO, Ceph,
// Cloudflare R2...), and the cache pod that puts a local copy in front of a remote.
//
// Requests are signed with AWS Signature Version 4, sent over libcurl with connections kept
// alive, and retried with exponential backoff and jitter on 5xx replies, SlowDown,
// timeouts and broken connections. Writes that must not replace a file use a conditional
// put (If-None-Match: *) where the store honours it, which a probe finds out once per
// endpoint and bucket; large files go up in multipart uploads, aborted on failure.
// S3 pods are safe to share between threads: independent requests run in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lakota/storage/pod.h"

namespace lakota {

struct S3Options {
  std::string bucket;
  std::string prefix;    // folder of the repository inside the bucket ("" for the bucket's root)
  std::string endpoint;  // scheme://host[:port] of a custom endpoint; empty for AWS
  std::string region;    // signing region (us-east-1 when nothing says otherwise)
  std::string access_key, secret_key, session_token;
  std::string profile;  // the profile the credentials came from, for messages
  bool verify_tls = true;
  std::string ca_bundle;    // AWS_CA_BUNDLE (or REQUESTS_CA_BUNDLE, as boto3 reads it)
  bool path_style = false;  // bucket in the path (custom endpoints) or in the host name (AWS)
  int max_attempts = 5;     // tries of one request before its failure is final
  long connect_timeout_ms = 10000;
  long idle_timeout_ms = 30000;  // a request fails when no byte moves for this long
  size_t connections = 16;       // requests in flight at once (parallel reads and copies)
  uint64_t multipart_threshold = uint64_t(64) << 20;  // files this large go up in parts
  uint64_t part_size = uint64_t(16) << 20;
  // The first retry waits about this long; each one after twice as long (with jitter).
  long backoff_ms = 100;
};

// Where the settings come from: the process environment and the user's ~/.aws files by
// default; tests pass their own.
struct AwsEnvironment {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::string home;  // for ~/.aws/credentials and ~/.aws/config
  static AwsEnvironment process();
};

// Reads an S3 repository URI as the reference does, and the AWS settings:
//   s3:///bucket/prefix          the default endpoint (AWS, or AWS_ENDPOINT_URL[_S3])
//   s3://host:port/bucket/prefix that endpoint, over http
// Query options: profile, key, secret, token, verify=false (the reference's); region,
// endpoint_url (beyond it); connections, max_attempts, timeout and connect_timeout (in
// seconds). Settings not in the URI come, in the AWS CLI's order, from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (unless the URI names a profile), the profile's
// static keys in ~/.aws/credentials then ~/.aws/config (profile: the URI's, AWS_PROFILE,
// else default); AWS_REGION, AWS_DEFAULT_REGION, the profile's region; endpoint_url,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's endpoint_url.
// Throws InvalidInput naming the URI and what to fix.
S3Options s3_options_from_uri(const std::string& uri, const AwsEnvironment& env = AwsEnvironment::process());

// A pod over the bucket and prefix of `options`. Nothing is sent until the first request.
PodPtr make_s3_pod(S3Options options);

// Reads through `local` and writes through to `remote`: listings, sizes and folder checks
// ask the remote (so a cached repository never reads a stale state); a file read is served
// by the local copy when it has one, else fetched from the remote and kept locally (the
// files a repository reads by name, segments and revisions, never change); writes, moves
// and removals go to the remote, then to the local copy.
PodPtr make_cache_pod(PodPtr local, PodPtr remote);

// Several URIs: the first is a local cache in front of the others (as the reference's
// Repo([local, remote])); one URI is pod_from_uri(uri).
PodPtr pod_from_uris(const std::vector<std::string>& uris);

}  // namespace lakota
