#include "manifest_endpoints.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace residency {
namespace {

bool IdChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && (c == '.' || c == '_' || c == '-'));
}

bool Within(std::string_view s, size_t min, size_t max) { return s.size() >= min && s.size() <= max; }

}  // namespace

std::string QuoteValue(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() > kMax) return "\"" + std::string(s.substr(0, kMax)) + "...\"";
  return "\"" + std::string(s) + "\"";
}

bool FastId(std::string_view s) {
  if (!Within(s, 1, 63)) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IdChar(s[i], i == 0)) return false;
  }
  return true;
}

bool FastCategory(std::string_view c) {
  if (!Within(c, 1, 64)) return false;
  if (c == "customer" || c == "derived" || c == "account" || c == "metadata" || c == "technical") return true;
  if (c.size() < 3 || c.substr(0, 2) != "x-") return false;
  for (char ch : c.substr(2)) {
    if (!IdChar(ch, false)) return false;
  }
  return true;
}

bool FastActivity(std::string_view a) {
  return a == "storage" || a == "backup" || a == "processing" || a == "administration" || a == "support";
}

bool FillTarget(std::string_view field, std::string_view text, Endpoint* e, std::string* error) {
  if (field == "ip") {
    e->target = Endpoint::Target::kIp;
    e->ip = ParseIp(text);
    if (!e->ip) *error = "invalid IP address " + QuoteValue(text) + ": expected an IPv4 or IPv6 literal";
    return e->ip.has_value();
  }
  std::string reason;
  if (field == "host") {
    e->target = Endpoint::Target::kHost;
    if (ParseIp(text)) {
      *error = QuoteValue(text) + " is an IP address: write it as \"ip\", not \"host\"";
      return false;
    }
    if (!NormalizeHostName(text, &e->host, &reason)) {
      *error = "invalid host name " + QuoteValue(text) + ": " + reason;
      return false;
    }
    return true;
  }
  e->target = Endpoint::Target::kUrl;
  e->url = text;
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), &curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, e->url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    *error = "invalid URL " + QuoteValue(text);
    return false;
  }
  auto part = [&](CURLUPart which) {
    char* s = nullptr;
    std::string out;
    if (curl_url_get(u.get(), which, &s, 0) == CURLUE_OK && s) out = s;
    curl_free(s);
    return out;
  };
  std::string scheme = part(CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    *error = "unsupported URL scheme " + QuoteValue(scheme) + " in " + QuoteValue(text) + ": expected http or https";
    return false;
  }
  if (!part(CURLUPART_USER).empty() || !part(CURLUPART_PASSWORD).empty()) {
    *error = "URL " + QuoteValue(text) + " carries credentials: a manifest must not";
    return false;
  }
  std::string host = part(CURLUPART_HOST);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (auto ip = ParseIp(host)) {
    e->ip = ip;
    e->host.clear();
  } else if (!NormalizeHostName(host, &e->host, &reason)) {
    *error = "invalid host name " + QuoteValue(host) + " in URL: " + reason;
    return false;
  }
  return true;
}

// One batch of endpoints from the parse thread: per endpoint its node, the offset of its
// '{' and its members' texts (in `bytes`), in order; a node's array closing is an entry of
// its own. Reused from batch to batch.
//
// A batch is small: the builder starts when the first one is full and has the last one
// left to build when the parse ends. 512 endpoints (~40 KB) against 4,096: verify's parse
// stage of the 10k estate 10.5 -> 9.3 ms (medians of 15 interleaved runs), of 100k and
// 1M the same (55.8 -> 53.1 ms, 0.505 -> 0.494 s), with fewer pages new to the process
// (2,535 -> 2,219 at 10k, 13,030 -> 12,410 at 100k).
struct EndpointTap::Batch {
  static constexpr size_t kEndpoints = 512;
  static constexpr uint32_t kClose = UINT32_MAX;  // Raw::fields of a node's closing
  struct Raw {
    uint32_t node;
    uint32_t offset;
    uint32_t first;   // its first member in `members`
    uint32_t fields;  // members, or kClose
  };
  struct Member {
    Field field;
    uint32_t begin, size;  // in `bytes`
  };
  std::vector<Raw> endpoints;
  std::vector<Member> members;
  std::string bytes;
  void Clear() {
    endpoints.clear();
    members.clear();
    bytes.clear();
  }
};

// Builds Endpoints from batches, on a thread of its own or on the caller's. Gives up at the
// first endpoint it is not sure of (the reader then parses again without the tap).
class EndpointTap::Builder {
 public:
  Builder(const Jurisdictions& j, bool threaded) : j_(j) {
    if (threaded) thread_ = std::thread([this] { Run(); });
  }
  ~Builder() { Stop(); }

  // Takes a full batch; returns an empty one to fill (the same, when not threaded).
  std::unique_ptr<Batch> Give(std::unique_ptr<Batch> batch) {
    if (!thread_.joinable()) {
      if (ok_) ok_ = Build(*batch);
      batch->Clear();
      return batch;
    }
    std::unique_lock<std::mutex> lock(mu_);
    full_.push_back(std::move(batch));
    wake_.notify_all();
    // At most a few batches in flight: the parse need not run ahead of the builder.
    wake_.wait(lock, [&] { return !empty_.empty() || full_.size() < kInFlight; });
    if (!empty_.empty()) {
      std::unique_ptr<Batch> b = std::move(empty_.back());
      empty_.pop_back();
      return b;
    }
    return std::make_unique<Batch>();
  }
  // Waits for every batch given to be built. Whether all went well.
  bool Wait() {
    Stop();
    return ok_;
  }
  bool ok() const { return ok_; }  // a hint while threaded, the truth after Wait
  std::vector<Endpoint>* Taken(size_t node) {
    return node < nodes_.size() && nodes_[node].taken ? &nodes_[node].endpoints : nullptr;
  }

 private:
  static constexpr size_t kInFlight = 4;
  struct Node {
    bool taken = false;
    std::vector<Endpoint> endpoints;
  };

  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      wake_.notify_all();
    }
    thread_.join();
  }
  void Run() {
    for (;;) {
      std::unique_ptr<Batch> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return done_ || !full_.empty(); });
        if (full_.empty()) return;  // done_, and nothing left
        batch = std::move(full_.front());
        full_.pop_front();
      }
      if (ok_) ok_ = Build(*batch);
      batch->Clear();
      std::lock_guard<std::mutex> lock(mu_);
      empty_.push_back(std::move(batch));
      wake_.notify_all();
    }
  }
  bool Build(const Batch& b);
  bool BuildEndpoint(const Batch& b, const Batch::Raw& raw, Endpoint* e);
  bool CloseNode(size_t node);

  const Jurisdictions& j_;
  std::atomic<bool> ok_ = true;
  std::vector<Node> nodes_;
  std::vector<Endpoint> scratch_;  // the open node's endpoints, kept from node to node
  std::vector<std::string_view> ids_;  // open-addressing table for duplicate ids
  std::unordered_map<std::string, std::shared_ptr<const Location>> regions_;  // by text
  // Each distinct list of categories once, by its categories joined with newlines (which no
  // category holds: FastCategory).
  std::unordered_map<std::string, Categories> category_lists_;
  std::vector<std::string> categories_;  // the endpoint's, as read
  std::string category_key_;
  std::string error_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> empty_;
  bool done_ = false;
};

bool EndpointTap::Builder::Build(const Batch& b) {
  for (const Batch::Raw& raw : b.endpoints) {
    if (raw.fields == Batch::kClose) {
      if (!CloseNode(raw.node)) return false;
      continue;
    }
    Endpoint& e = scratch_.emplace_back();
    e.pos = SourcePos{0, raw.offset};
    if (!BuildEndpoint(b, raw, &e)) return false;
  }
  return true;
}

bool EndpointTap::Builder::BuildEndpoint(const Batch& b, const Batch::Raw& raw, Endpoint* e) {
  for (uint32_t k = raw.first; k < raw.first + raw.fields; ++k) {
    const Batch::Member& m = b.members[k];
    std::string_view s(b.bytes.data() + m.begin, m.size);
    switch (m.field) {
      case kId:
        if (!FastId(s)) return false;
        e->id.assign(s);
        break;
      case kActivity:
        if (!FastActivity(s)) return false;
        e->activity = *ParseActivity(s);
        break;
      case kData: {
        // The categories are consecutive members; the DOM path drops repeats.
        uint32_t last = k;
        while (last + 1 < raw.first + raw.fields && b.members[last + 1].field == kData) ++last;
        categories_.clear();
        category_key_.clear();
        for (; k <= last; ++k) {
          std::string_view c(b.bytes.data() + b.members[k].begin, b.members[k].size);
          if (!FastCategory(c)) return false;
          if (std::find(categories_.begin(), categories_.end(), c) != categories_.end()) continue;
          categories_.emplace_back(c);
          category_key_.append(c).push_back('\n');
        }
        --k;
        auto it = category_lists_.find(category_key_);
        if (it == category_lists_.end()) it = category_lists_.emplace(category_key_, Categories(categories_)).first;
        e->data = it->second;
        break;
      }
      case kHost:
        if (!Within(s, 1, 1024) || !FillTarget("host", s, e, &error_)) return false;
        break;
      case kIp:
        if (!Within(s, 1, 64) || !FillTarget("ip", s, e, &error_)) return false;
        break;
      case kUrl:
        if (!Within(s, 1, 4096) || !FillTarget("url", s, e, &error_)) return false;
        break;
      case kRegion: {
        if (!Within(s, 1, 128)) return false;
        auto it = regions_.find(std::string(s));
        if (it == regions_.end()) {
          std::optional<Location> loc = j_.ParseLocation(s, &error_);
          if (!loc) return false;
          it = regions_.emplace(std::string(s), std::make_shared<const Location>(std::move(*loc))).first;
        }
        e->declared_region = SharedLocation(it->second);
        break;
      }
      case kExtension:
      case kFields:
        return false;
    }
  }
  return true;
}

bool EndpointTap::Builder::CloseNode(size_t node) {
  // Duplicate ids: an open-addressing table of views into the endpoints.
  size_t capacity = 16;
  while (capacity < 2 * scratch_.size()) capacity *= 2;
  ids_.assign(capacity, std::string_view());
  size_t mask = capacity - 1;
  for (const Endpoint& e : scratch_) {
    std::string_view id = e.id;  // never empty: FastId
    for (size_t i = std::hash<std::string_view>{}(id) & mask;; i = (i + 1) & mask) {
      if (ids_[i].empty()) {
        ids_[i] = id;
        break;
      }
      if (ids_[i] == id) return false;  // a duplicate id: the DOM path words it
    }
  }
  if (node >= nodes_.size()) nodes_.resize(node + 1);
  Node& n = nodes_[node];
  n.endpoints.reserve(scratch_.size());
  std::move(scratch_.begin(), scratch_.end(), std::back_inserter(n.endpoints));
  scratch_.clear();
  n.taken = true;
  return true;
}

EndpointTap::EndpointTap(const Jurisdictions& jurisdictions, bool threaded)
    : j_(jurisdictions), batch_(std::make_unique<Batch>()), builder_(std::make_unique<Builder>(jurisdictions, threaded)) {}

EndpointTap::~EndpointTap() = default;

std::vector<Endpoint>* EndpointTap::Taken(size_t node) { return builder_->Taken(node); }

void EndpointTap::Finish(const JsonSource& src, size_t index, std::vector<Endpoint>* endpoints) {
  for (size_t i = 0; i < endpoints->size(); ++i) {
    Endpoint& e = (*endpoints)[i];
    e.node = static_cast<uint32_t>(index);  // the schema's maxItems of subservices, + 1
    e.index = static_cast<uint32_t>(i);  // at most kMaxEndpointsPerNode
    e.pos = src.PosAt(e.pos.column);
  }
}

bool EndpointTap::HandOn() {
  batch_ = builder_->Give(std::move(batch_));
  return builder_->ok();
}

bool EndpointTap::Take(const std::vector<Step>& path, size_t /*offset*/) {
  // "/service/endpoints" or "/subservices/I/endpoints", nothing else.
  size_t node;
  if (path.size() == 2 && !path[0].is_index && path[0].key == "service" && !path[1].is_index &&
      path[1].key == "endpoints") {
    node = 0;
  } else if (path.size() == 3 && !path[0].is_index && path[0].key == "subservices" && path[1].is_index &&
             !path[2].is_index && path[2].key == "endpoints") {
    node = path[1].index + 1;
  } else {
    return false;
  }
  if (node >= UINT32_MAX) return false;
  if (node >= taken_.size()) taken_.resize(node + 1);
  if (taken_[node]) return false;  // a duplicate key: the DOM gets it, and words the error
  taken_[node] = true;
  node_ = node;
  count_ = 0;
  level_ = 1;
  skip_ = 0;
  return true;
}

bool EndpointTap::StartObject(size_t offset) {
  if (skip_) return ++skip_, true;
  if (level_ == 1) {
    if (++count_ > kMaxEndpointsPerNode) return false;
    batch_->endpoints.push_back(Batch::Raw{static_cast<uint32_t>(node_), static_cast<uint32_t>(offset),
                                           static_cast<uint32_t>(batch_->members.size()), 0});
    level_ = 2;
    field_ = kFields;
    seen_ = 0;
    extensions_.clear();
    return true;
  }
  return level_ == 2 && field_ == kExtension && SkipValue();
}

bool EndpointTap::SkipValue() {
  skip_ = 1;
  field_ = kFields;
  return true;
}

bool EndpointTap::EndObject() {
  if (skip_) return --skip_, true;
  if (level_ != 2) return false;
  level_ = 1;
  constexpr uint32_t kRequired = (1u << kId) | (1u << kActivity) | (1u << kData);
  constexpr uint32_t kTargets = (1u << kHost) | (1u << kIp) | (1u << kUrl);
  if ((seen_ & kRequired) != kRequired || std::popcount(seen_ & kTargets) != 1) return false;
  Batch::Raw& raw = batch_->endpoints.back();
  raw.fields = static_cast<uint32_t>(batch_->members.size()) - raw.first;
  return batch_->endpoints.size() < Batch::kEndpoints || HandOn();
}

bool EndpointTap::StartArray(size_t /*offset*/) {
  if (skip_) return ++skip_, true;
  if (level_ != 2) return false;
  if (field_ == kData) {
    level_ = 3;
    data_count_ = 0;
    field_ = kFields;
    return true;
  }
  return field_ == kExtension && SkipValue();
}

bool EndpointTap::EndArray() {
  if (skip_) return --skip_, true;
  if (level_ != 3 || data_count_ < 1) return false;  // more than 1000: String stopped at the 1001st
  level_ = 2;
  return true;
}

bool EndpointTap::Key(std::string_view key) {
  if (skip_) return true;
  if (level_ != 2) return false;
  Field f;
  if (key == "id") f = kId;
  else if (key == "activity") f = kActivity;
  else if (key == "data") f = kData;
  else if (key == "ip") f = kIp;
  else if (key == "host") f = kHost;
  else if (key == "url") f = kUrl;
  else if (key == "declared_region") f = kRegion;
  else if (key.size() >= 2 && key.substr(0, 2) == "x-") f = kExtension;
  else return false;  // not in the schema: the validator words it
  if (f == kExtension) {
    if (std::find(extensions_.begin(), extensions_.end(), key) != extensions_.end()) return false;
    extensions_.emplace_back(key);
  } else {
    if (seen_ & (1u << f)) return false;  // a duplicate key
    seen_ |= 1u << f;
  }
  field_ = f;
  return true;
}

bool EndpointTap::String(std::string_view s) {
  if (skip_) return true;
  Field f;
  if (level_ == 3) {
    if (++data_count_ > 1000) return false;
    f = kData;
  } else if (level_ == 2) {
    f = field_;
    field_ = kFields;
    if (f == kExtension) return true;
    if (f == kData || f == kFields) return false;  // data must be an array
  } else {
    return false;  // an endpoint that is not an object
  }
  if (s.size() > 4096) return false;  // longer than any member may be
  batch_->members.push_back(Batch::Member{f, static_cast<uint32_t>(batch_->bytes.size()), static_cast<uint32_t>(s.size())});
  batch_->bytes.append(s);
  return true;
}

bool EndpointTap::Scalar() {
  if (skip_) return true;
  if (level_ == 2 && field_ == kExtension) {
    field_ = kFields;
    return true;
  }
  return false;
}

bool EndpointTap::Close() {
  if (level_ != 1 || skip_) return false;
  batch_->endpoints.push_back(Batch::Raw{static_cast<uint32_t>(node_), 0, 0, Batch::kClose});
  return batch_->endpoints.size() < Batch::kEndpoints || HandOn();
}

bool EndpointTap::End() {
  HandOn();
  return builder_->Wait();
}

void EndpointTap::Abandon() {
  builder_->Wait();
  builder_ = std::make_unique<Builder>(j_, false);
  batch_ = std::make_unique<Batch>();
  taken_.clear();
  level_ = 1;
  skip_ = 0;
}

}  // namespace residency
