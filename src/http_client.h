// HttpClient: one HTTP GET with conditional-request headers, behind an interface so that
// `geodb update` can be unit-tested with a fake and integration-tested against a real
// server. NewCurlHttpClient() is the real implementation (libcurl; follows redirects, only
// http and https, gzip accepted).
//
// A transport failure (connection refused, timeout, body shorter than Content-Length) is a
// kNetwork Status naming the URL; any HTTP answer, 500 included, is a response with its
// status code: deciding what a code means is the caller's job.
#ifndef RESIDENCY_HTTP_CLIENT_H_
#define RESIDENCY_HTTP_CLIENT_H_

#include <memory>
#include <string>

#include "status.h"

namespace residency {

struct HttpRequest {
  std::string url;
  std::string if_none_match;      // an earlier ETag, sent as If-None-Match; "" for none
  std::string if_modified_since;  // an earlier Last-Modified, sent as If-Modified-Since
  long timeout_seconds = 60;      // the whole transfer
};

struct HttpResponse {
  long status = 0;            // 200, 304, 500, ...
  std::string body;
  std::string etag;           // "" when the server sent none
  std::string last_modified;  // "" when the server sent none
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Status Get(const HttpRequest& request, HttpResponse* response) = 0;
};

std::unique_ptr<HttpClient> NewCurlHttpClient();

}  // namespace residency

#endif  // RESIDENCY_HTTP_CLIENT_H_
