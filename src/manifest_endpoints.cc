#include "manifest_endpoints.h"

#include <curl/curl.h>

#include <algorithm>
#include <bit>
#include <charconv>
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

std::vector<Endpoint>* EndpointTap::Taken(size_t node) {
  return node < nodes_.size() && nodes_[node].taken ? &nodes_[node].endpoints : nullptr;
}

void EndpointTap::Finish(const JsonSource& src, size_t index, const std::string& node_id,
                         std::vector<Endpoint>* endpoints) {
  std::string base = index == 0 ? "/service/endpoints/" : "/subservices/" + std::to_string(index - 1) + "/endpoints/";
  for (size_t i = 0; i < endpoints->size(); ++i) {
    Endpoint& e = (*endpoints)[i];
    e.node = index;
    e.qualified_id.reserve(node_id.size() + 1 + e.id.size());
    e.qualified_id.append(node_id).append(1, '/').append(e.id);
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, i);
    e.ref.pointer.reserve(base.size() + static_cast<size_t>(end - digits));
    e.ref.pointer.append(base).append(digits, end);
    e.ref.pos = src.PosAt(e.ref.pos.column);
  }
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
  if (node >= nodes_.size()) nodes_.resize(node + 1);
  if (nodes_[node].taken) return false;  // a duplicate key: the DOM gets it, and words the error
  node_ = node;
  scratch_.clear();
  level_ = 1;
  skip_ = 0;
  return true;
}

bool EndpointTap::StartObject(size_t offset) {
  if (skip_) return ++skip_, true;
  if (level_ == 1) {
    if (scratch_.size() >= kMaxEndpointsPerNode) return false;
    Endpoint& e = scratch_.emplace_back();
    e.ref.pos = SourcePos{0, static_cast<uint32_t>(offset)};
    level_ = 2;
    field_ = kFields;
    seen_ = 0;
    extensions_.clear();
    return true;
  }
  if (level_ == 2 && field_ == kExtension) {
    skip_ = 1;
    field_ = kFields;
    return true;
  }
  return false;
}

bool EndpointTap::EndObject() {
  if (skip_) return --skip_, true;
  if (level_ != 2) return false;
  level_ = 1;
  return FinishEndpoint();
}

bool EndpointTap::StartArray(size_t /*offset*/) {
  if (skip_) return ++skip_, true;
  if (level_ != 2) return false;
  if (field_ == kData) {
    level_ = 3;
    data_count_ = 0;
    data_.clear();
    field_ = kFields;
    return true;
  }
  if (field_ == kExtension) {
    skip_ = 1;
    field_ = kFields;
    return true;
  }
  return false;
}

bool EndpointTap::EndArray() {
  if (skip_) return --skip_, true;
  if (level_ != 3 || data_count_ < 1 || data_count_ > 1000) return false;
  level_ = 2;
  std::vector<std::string>& data = scratch_.back().data;
  data.reserve(data_.size());
  for (std::string& c : data_) data.push_back(std::move(c));
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
  if (level_ == 1) return false;  // an endpoint that is not an object
  Endpoint& e = scratch_.back();  // level 2 or 3: inside the latest endpoint
  if (level_ == 3) {
    if (!FastCategory(s)) return false;
    ++data_count_;
    if (std::find(data_.begin(), data_.end(), s) == data_.end()) data_.emplace_back(s);
    return true;
  }
  Field f = field_;
  field_ = kFields;
  switch (f) {
    case kId:
      if (!FastId(s)) return false;
      e.id.assign(s);
      return true;
    case kActivity:
      if (!FastActivity(s)) return false;
      e.activity = *ParseActivity(s);
      return true;
    case kHost:
      return Within(s, 1, 1024) && FillTarget("host", s, &e, &error_);
    case kIp:
      return Within(s, 1, 64) && FillTarget("ip", s, &e, &error_);
    case kUrl:
      return Within(s, 1, 4096) && FillTarget("url", s, &e, &error_);
    case kRegion: {
      if (!Within(s, 1, 128)) return false;
      auto it = regions_.find(std::string(s));
      if (it == regions_.end()) {
        std::optional<Location> loc = j_.ParseLocation(s, &error_);
        if (!loc) return false;
        it = regions_.emplace(std::string(s), std::make_shared<const Location>(std::move(*loc))).first;
      }
      e.declared_region = SharedLocation(it->second);
      return true;
    }
    case kExtension:
      return true;
    case kData:
    case kFields:
      return false;
  }
  return false;
}

bool EndpointTap::Scalar() {
  if (skip_) return true;
  if (level_ == 2 && field_ == kExtension) {
    field_ = kFields;
    return true;
  }
  return false;
}

bool EndpointTap::FinishEndpoint() {
  constexpr uint32_t kRequired = (1u << kId) | (1u << kActivity) | (1u << kData);
  constexpr uint32_t kTargets = (1u << kHost) | (1u << kIp) | (1u << kUrl);
  if ((seen_ & kRequired) != kRequired || std::popcount(seen_ & kTargets) != 1) return false;
  return true;
}

bool EndpointTap::Close() {
  if (level_ != 1 || skip_) return false;
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
  Node& n = nodes_[node_];
  n.endpoints.reserve(scratch_.size());
  std::move(scratch_.begin(), scratch_.end(), std::back_inserter(n.endpoints));
  scratch_.clear();
  n.taken = true;
  return true;
}

void EndpointTap::Abandon() {
  nodes_.clear();
  scratch_.clear();
  regions_.clear();
  level_ = 1;
  skip_ = 0;
}

}  // namespace residency
