#include "probe.h"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "text_util.h"

namespace residency {
namespace {

using Clock = std::chrono::steady_clock;

// Limits on what one response may make the prober hold: a hostile server gets its
// transfer cut, never more memory.
constexpr size_t kMaxHeaderBytes = 256 * 1024;
constexpr size_t kMaxHeaders = 500;
// How long past a target's deadline the prober waits for libcurl to end the transfer by
// itself before removing it (a stuck resolver thread, a timer libcurl missed).
constexpr auto kDeadlineGrace = std::chrono::milliseconds(1000);

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The parts of a URL the prober needs; false with `error` set when it does not parse.
struct UrlParts {
  std::string scheme, host, port, user, password;
};

bool ParseUrl(const std::string& url, UrlParts* parts, std::string* error) {
  InitCurlOnce();
  CURLU* h = curl_url();
  if (!h) {
    *error = "cannot initialise libcurl's URL parser";
    return false;
  }
  CURLUcode rc = curl_url_set(h, CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    *error = std::string("not a URL: ") + curl_url_strerror(rc);
    curl_url_cleanup(h);
    return false;
  }
  auto get = [&](CURLUPart part, std::string* out, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(h, part, &value, flags) == CURLUE_OK && value) {
      *out = value;
      curl_free(value);
    }
  };
  get(CURLUPART_SCHEME, &parts->scheme, 0);
  get(CURLUPART_HOST, &parts->host, 0);
  get(CURLUPART_PORT, &parts->port, CURLU_DEFAULT_PORT);
  get(CURLUPART_USER, &parts->user, 0);
  get(CURLUPART_PASSWORD, &parts->password, 0);
  curl_url_cleanup(h);
  parts->scheme = AsciiLower(parts->scheme);
  parts->host = AsciiLower(parts->host);
  return true;
}

// One target on its way: the request in flight and what the earlier ones left.
struct Transfer {
  const ProbeTarget* target = nullptr;
  ProbeResult* result = nullptr;
  CURL* easy = nullptr;
  std::string url;       // of the request in flight
  std::string pin_host;  // the target's host, when its address is pinned
  bool get = false;
  Clock::time_point start, deadline;
  bool done = false;
  // Per request (cleared when one starts).
  std::vector<std::pair<std::string, std::string>> headers;
  size_t header_bytes = 0;
  bool headers_capped = false;
  size_t body_bytes = 0;
  size_t body_cap = 0;
  bool body_capped = false;
  char error[CURL_ERROR_SIZE] = "";
  curl_slist* resolve = nullptr;
  curl_slist* connect_to = nullptr;

  void FreeLists() {
    curl_slist_free_all(resolve);
    curl_slist_free_all(connect_to);
    resolve = connect_to = nullptr;
  }
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    FreeLists();
  }
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->headers_capped = true;
    return 0;
  }
  std::string_view raw(data, n);
  std::string_view line = TrimView(raw);
  if (line.size() >= 5 && AsciiUpper(line.substr(0, 5)) == "HTTP/") {
    t->headers.clear();  // a new response: an interim 1xx before, or the status line
    return n;
  }
  if (line.empty()) return n;
  if ((raw.front() == ' ' || raw.front() == '\t') && !t->headers.empty()) {
    t->headers.back().second += " " + std::string(line);  // obsolete line folding
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  if (t->headers.size() >= kMaxHeaders) {
    t->headers_capped = true;
    return 0;
  }
  t->headers.emplace_back(std::string(TrimView(line.substr(0, colon))),
                          std::string(TrimView(line.substr(colon + 1))));
  return n;
}

size_t OnBody(char*, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->body_bytes += size * count;
  if (t->body_bytes > t->body_cap) {
    t->body_capped = true;
    return 0;  // cut: the body is never needed, only the headers
  }
  return size * count;
}

double Ms(curl_off_t us) { return static_cast<double>(us) / 1000.0; }

std::string DefaultUserAgent() { return "residency/" RESIDENCY_VERSION " (location probe)"; }

class CurlProber : public Prober {
 public:
  explicit CurlProber(const ProberOptions& options) : options_(options) {
    if (options_.user_agent.empty()) options_.user_agent = DefaultUserAgent();
    options_.concurrency = std::max(1, options_.concurrency);
    options_.max_redirects = std::max(0, options_.max_redirects);
    options_.timeout_ms = std::max(1L, options_.timeout_ms);
    options_.connect_timeout_ms = std::max(1L, options_.connect_timeout_ms);
  }

  Status ProbeAll(const std::vector<ProbeTarget>& targets, std::vector<ProbeResult>* out) override {
    out->assign(targets.size(), ProbeResult());
    CURLM* multi = curl_multi_init();
    if (!multi) return Status::Network("probe: cannot initialise libcurl");
    std::vector<std::unique_ptr<Transfer>> active;
    size_t next = 0;
    while (next < targets.size() || !active.empty()) {
      while (active.size() < static_cast<size_t>(options_.concurrency) && next < targets.size()) {
        auto t = std::make_unique<Transfer>();
        t->target = &targets[next];
        t->result = &(*out)[next];
        ++next;
        Begin(multi, t.get());
        if (!t->done) active.push_back(std::move(t));
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        CURLcode code = msg->data.result;
        Transfer* t = nullptr;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        curl_multi_remove_handle(multi, easy);
        OnDone(multi, t, code);
      }
      Clock::time_point now = Clock::now();
      for (auto& t : active) {
        if (!t->done && now > t->deadline + kDeadlineGrace) {
          curl_multi_remove_handle(multi, t->easy);
          Record(t.get(), CURLE_OPERATION_TIMEDOUT);
          Finish(t.get(), ProbeStatus::kTimeout,
                 "no answer within " + std::to_string(options_.timeout_ms) + " ms (stopped by the prober)");
        }
      }
      std::erase_if(active, [](const std::unique_ptr<Transfer>& t) { return t->done; });
      if (!active.empty()) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    curl_multi_cleanup(multi);
    return Status::Ok();
  }

 private:
  // Sets the target's fields in its result and starts its first request, or ends it.
  void Begin(CURLM* multi, Transfer* t) {
    ProbeResult& r = *t->result;
    r.id = t->target->id;
    r.url = t->target->url;
    r.address = t->target->address;
    r.effective_url = r.url;
    t->start = Clock::now();
    t->deadline = t->start + std::chrono::milliseconds(options_.timeout_ms);
    if (Status s = ValidateProbeUrl(r.url); !s.ok()) {
      Finish(t, ProbeStatus::kError, s.message());
      return;
    }
    t->easy = curl_easy_init();
    if (!t->easy) {
      Finish(t, ProbeStatus::kError, "cannot initialise libcurl");
      return;
    }
    if (t->target->address) {
      UrlParts parts;
      std::string error;
      if (ParseUrl(r.url, &parts, &error)) t->pin_host = parts.host;
    }
    t->url = r.url;
    t->get = !options_.head_first;
    Start(multi, t);
  }

  // Starts a request for t->url with t->get.
  void Start(CURLM* multi, Transfer* t) {
    long remaining = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t->deadline - Clock::now()).count());
    if (remaining <= 0) {
      Finish(t, ProbeStatus::kTimeout, "no answer within " + std::to_string(options_.timeout_ms) + " ms");
      return;
    }
    t->headers.clear();
    t->header_bytes = 0;
    t->headers_capped = false;
    t->body_bytes = 0;
    t->body_cap = options_.body_cap;
    t->body_capped = false;
    t->error[0] = '\0';
    t->FreeLists();
    for (const std::string& entry : options_.resolve) t->resolve = curl_slist_append(t->resolve, entry.c_str());
    UrlParts parts;
    std::string error;
    if (!t->pin_host.empty() && ParseUrl(t->url, &parts, &error) && parts.host == t->pin_host) {
      const IpAddress& ip = *t->target->address;
      std::string address = ip.is_v4() ? ip.ToString() : "[" + ip.ToString() + "]";
      // HOST::ADDRESS: with both ports left empty, any port of the host, kept as it is.
      std::string entry = parts.host + "::" + address + ":";
      t->connect_to = curl_slist_append(t->connect_to, entry.c_str());
    }

    CURL* e = t->easy;
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, t->url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // followed here, hop by hop
    if (t->get) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, remaining);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(remaining, options_.connect_timeout_ms));
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    // Nothing identifying and nothing in between: no netrc, no proxy from the environment,
    // no cookies (the engine is off after curl_easy_reset), no authentication.
    curl_easy_setopt(e, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_NONE));
    // Fresh connections: the final request's connect and TLS timings are always measured.
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (t->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve);
    if (t->connect_to) curl_easy_setopt(e, CURLOPT_CONNECT_TO, t->connect_to);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    t->result->hops.push_back(ProbeHop{t->get ? "GET" : "HEAD", t->url, 0});
    if (CURLMcode mc = curl_multi_add_handle(multi, e); mc != CURLM_OK) {
      Finish(t, ProbeStatus::kError, std::string("cannot start the request: ") + curl_multi_strerror(mc));
    }
  }

  // Copies what libcurl knows of the request just ended into the result.
  void Record(Transfer* t, CURLcode code) {
    ProbeResult& r = *t->result;
    CURL* e = t->easy;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK && !t->body_capped) status = 0;  // a half answer is no answer
    r.http_status = status;
    if (!r.hops.empty()) r.hops.back().http_status = status;
    long version = 0;
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    switch (version) {
      case CURL_HTTP_VERSION_1_0: r.http_version = "1.0"; break;
      case CURL_HTTP_VERSION_1_1: r.http_version = "1.1"; break;
      case CURL_HTTP_VERSION_2_0: r.http_version = "2"; break;
      case CURL_HTTP_VERSION_3: r.http_version = "3"; break;
      default: r.http_version.clear();
    }
    if (status == 0) r.http_version.clear();
    char* ip = nullptr;
    curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
    r.primary_ip = ip ? ip : "";
    long port = 0;
    curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &port);
    r.primary_port = r.primary_ip.empty() ? 0 : static_cast<int>(port);
    r.effective_url = t->url;

    curl_off_t dns = 0, connect = 0, tls = 0, first = 0;
    curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &dns);
    curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &connect);
    curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &tls);
    curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &first);
    ProbeTimings& tm = r.timings;
    tm = ProbeTimings();
    // libcurl reports 0 for a phase not reached; each is measured from the request's start.
    if (dns > 0 || connect > 0) tm.dns = Ms(dns);
    if (connect > 0) tm.connect = Ms(connect - std::min(dns, connect));
    if (tls > 0 && connect > 0) tm.tls = Ms(tls - std::min(connect, tls));
    if (first > 0) tm.first_byte = Ms(first);

    r.tls.reset();
    struct curl_certinfo* info = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &info) == CURLE_OK && info && info->num_of_certs > 0) {
      std::vector<std::string> lines;
      for (curl_slist* s = info->certinfo[0]; s; s = s->next) lines.push_back(s->data);
      r.tls = probe_internal::CertificateFromCertInfo(lines);
    }
    // Headers of a response that did not come whole are no evidence: dropped with its status.
    if (status != 0) {
      r.headers = t->headers;
    } else {
      r.headers.clear();
    }
  }

  void OnDone(CURLM* multi, Transfer* t, CURLcode code) {
    Record(t, code);
    ProbeResult& r = *t->result;
    if (code == CURLE_WRITE_ERROR && t->headers_capped) {
      Finish(t, ProbeStatus::kError,
             "the response headers exceed " + std::to_string(kMaxHeaders) + " headers or " +
                 std::to_string(kMaxHeaderBytes / 1024) + " KiB");
      return;
    }
    if (code == CURLE_WRITE_ERROR && t->body_capped) {
      r.notes.push_back("body cut after " + std::to_string(options_.body_cap) + " bytes");
    } else if (code != CURLE_OK) {
      long os_errno = 0;
      curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os_errno);
      std::string detail = t->error[0] ? t->error : curl_easy_strerror(code);
      Finish(t, probe_internal::ClassifyCurlError(static_cast<int>(code), os_errno), detail);
      return;
    }
    long status = r.http_status;
    if (!t->get && (status == 405 || status == 501)) {
      r.notes.push_back("HEAD answered " + std::to_string(status) + ": retried with GET");
      t->get = true;
      Start(multi, t);
      return;
    }
    char* location = nullptr;
    curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location);
    if (status >= 300 && status < 400 && location && *location) {
      std::string next = location;
      if (Status s = ValidateProbeUrl(next); !s.ok()) {
        r.notes.push_back("redirect to " + next + " not followed: " + s.message());
        Finish(t, ProbeStatus::kOk, "");
        return;
      }
      if (r.redirect_count >= options_.max_redirects) {
        bool loop = std::any_of(r.hops.begin(), r.hops.end(), [&](const ProbeHop& h) { return h.url == next; });
        Finish(t, ProbeStatus::kTooManyRedirects,
               "more than " + std::to_string(options_.max_redirects) + " redirects" +
                   (loop ? " (a loop: " + next + " was requested before)" : "") + "; the last one to " + next);
        return;
      }
      ++r.redirect_count;
      t->url = next;
      Start(multi, t);
      return;
    }
    Finish(t, ProbeStatus::kOk, "");
  }

  void Finish(Transfer* t, ProbeStatus status, std::string message) {
    ProbeResult& r = *t->result;
    r.status = status;
    r.message = std::move(message);
    r.location = ParseLocationHeaders(r.headers);
    r.timings.total = std::chrono::duration<double, std::milli>(Clock::now() - t->start).count();
    t->done = true;
  }

  ProberOptions options_;
};

class CannedProber : public Prober {
 public:
  explicit CannedProber(std::vector<ProbeResult> canned) : canned_(std::move(canned)) {}
  Status ProbeAll(const std::vector<ProbeTarget>& targets, std::vector<ProbeResult>* out) override {
    out->clear();
    for (const ProbeTarget& target : targets) {
      auto it = std::find_if(canned_.begin(), canned_.end(), [&](const ProbeResult& r) {
        return r.url == target.url && r.address == target.address;
      });
      ProbeResult r;
      if (it != canned_.end()) {
        r = *it;
      } else {
        r.url = r.effective_url = target.url;
        r.address = target.address;
        r.status = ProbeStatus::kError;
        r.message = "no canned result";
      }
      r.id = target.id;
      out->push_back(std::move(r));
    }
    return Status::Ok();
  }

 private:
  std::vector<ProbeResult> canned_;
};

constexpr std::pair<ProbeStatus, std::string_view> kStatusNames[] = {
    {ProbeStatus::kOk, "ok"},
    {ProbeStatus::kTimeout, "timeout"},
    {ProbeStatus::kRefused, "refused"},
    {ProbeStatus::kResolveError, "resolve-error"},
    {ProbeStatus::kTlsError, "tls-error"},
    {ProbeStatus::kTooManyRedirects, "too-many-redirects"},
    {ProbeStatus::kError, "error"},
};

}  // namespace

std::string_view ProbeStatusName(ProbeStatus s) {
  for (const auto& [status, name] : kStatusNames) {
    if (status == s) return name;
  }
  return "error";
}

bool ParseProbeStatus(std::string_view name, ProbeStatus* out) {
  for (const auto& [status, n] : kStatusNames) {
    if (n == name) {
      *out = status;
      return true;
    }
  }
  return false;
}

Status ValidateProbeUrl(const std::string& url) {
  if (url.empty()) return Status::InvalidInput("empty URL");
  UrlParts parts;
  std::string error;
  if (!ParseUrl(url, &parts, &error)) return Status::InvalidInput(error);
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Status::InvalidInput("unsupported scheme \"" + parts.scheme + "\" (http or https only)");
  }
  if (parts.host.empty()) return Status::InvalidInput("no host");
  if (!parts.user.empty() || !parts.password.empty()) {
    return Status::InvalidInput("carries credentials (user:password@); a probe sends none");
  }
  return Status::Ok();
}

Status ValidateResolveEntry(const std::string& entry) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidInput("\"" + entry + "\": " + why + " (expected HOST:PORT:ADDRESS, e.g. example.com:443:192.0.2.1)");
  };
  size_t first = entry.find(':');
  if (first == std::string::npos || first == 0) return bad("no host");
  size_t second = entry.find(':', first + 1);
  if (second == std::string::npos) return bad("no address");
  std::string port = entry.substr(first + 1, second - first - 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return bad("port \"" + port + "\" is not a number from 1 to 65535");
  }
  std::string address = entry.substr(second + 1);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (!ParseIp(address)) return bad("\"" + address + "\" is not an IP address");
  return Status::Ok();
}

std::unique_ptr<Prober> NewCurlProber(const ProberOptions& options, Status* status) {
  InitCurlOnce();
  for (const std::string& entry : options.resolve) {
    if (Status s = ValidateResolveEntry(entry); !s.ok()) {
      *status = s.WithContext("resolve");
      return nullptr;
    }
  }
  *status = Status::Ok();
  return std::make_unique<CurlProber>(options);
}

std::unique_ptr<Prober> NewCannedProber(std::vector<ProbeResult> canned) {
  return std::make_unique<CannedProber>(std::move(canned));
}

namespace probe_internal {

ProbeStatus ClassifyCurlError(int curl_code, long os_errno) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_OK:
      return ProbeStatus::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return ProbeStatus::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ProbeStatus::kResolveError;
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED) return ProbeStatus::kRefused;
      if (os_errno == ETIMEDOUT) return ProbeStatus::kTimeout;
      return ProbeStatus::kError;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return ProbeStatus::kTlsError;
    case CURLE_TOO_MANY_REDIRECTS:
      return ProbeStatus::kTooManyRedirects;
    default:
      return ProbeStatus::kError;
  }
}

std::string CertDateToIso(std::string_view text) {
  // OpenSSL's ASN1_TIME_print: "Jan  2 03:04:05 2026 GMT".
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string s(TrimView(text));
  char month[4] = "";
  int day = 0, hour = 0, minute = 0, second = 0, year = 0;
  char zone[4] = "";
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%3s %d %d:%d:%d %d %3s%n", month, &day, &hour, &minute, &second, &year, zone,
                  &consumed) != 7 ||
      static_cast<size_t>(consumed) != s.size() || std::strcmp(zone, "GMT") != 0) {
    return std::string(text);
  }
  int m = 0;
  while (m < 12 && std::strcmp(kMonths[m], month) != 0) ++m;
  if (m == 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || year < 0 || year > 9999 ||
      hour < 0 || minute < 0 || second < 0) {
    return std::string(text);
  }
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, m + 1, day, hour, minute, second);
  return out;
}

TlsCertificate CertificateFromCertInfo(const std::vector<std::string>& lines) {
  TlsCertificate cert;
  for (const std::string& line : lines) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string_view key = TrimView(std::string_view(line).substr(0, colon));
    std::string_view value = TrimView(std::string_view(line).substr(colon + 1));
    if (key == "Subject") {
      cert.subject = value;
    } else if (key == "Issuer") {
      cert.issuer = value;
    } else if (key == "Start date") {
      cert.not_before = CertDateToIso(value);
    } else if (key == "Expire date") {
      cert.not_after = CertDateToIso(value);
    } else if (key == "X509v3 Subject Alternative Name") {
      // "DNS:probe.test, IP Address:127.0.0.1"
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view name =
            TrimView(value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (name.substr(0, 11) == "IP Address:") {
          cert.sans.push_back("IP:" + std::string(name.substr(11)));
        } else if (!name.empty()) {
          cert.sans.emplace_back(name);
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    }
  }
  return cert;
}

}  // namespace probe_internal

}  // namespace residency
