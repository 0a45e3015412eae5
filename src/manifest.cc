#include "manifest.h"

#include <idn2.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "embedded.h"
#include "hash.h"
#include "json_source.h"
#include "manifest_endpoints.h"
#include "parallel.h"

namespace residency {
namespace {

using rapidjson::Value;

constexpr std::string_view kSchemaPath = "manifests/schema/manifest-v1.schema.json";

// From this many endpoints on, they are read on every core (parallel.h); below, on the
// calling thread (tests, the fuzzer and most manifests see no threads).
constexpr size_t kParallelEndpoints = 20000;
// From this many bytes on (some 3,000 endpoints), the manifest's sha256 is computed on
// another thread, and so are the endpoints read during the parse (manifest_endpoints.h):
// a thread costs tens of microseconds, such a parse milliseconds.
constexpr size_t kParallelBytes = 1 << 18;

std::string Str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

std::string Quote(std::string_view s) { return QuoteValue(s); }

const char* TypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "a boolean";
    case rapidjson::kObjectType: return "an object";
    case rapidjson::kArrayType: return "an array";
    case rapidjson::kStringType: return "a string";
    case rapidjson::kNumberType: return v.IsDouble() ? "a number" : "an integer";
  }
  return "a value";
}

// The compiled schema, built once from the embedded copy.
const rapidjson::SchemaDocument& ManifestSchema(const rapidjson::Document** raw) {
  static const rapidjson::Document* doc = [] {
    auto* d = new rapidjson::Document;
    std::string_view text = FindEmbedded(kSchemaPath);
    d->Parse(text.data(), text.size());
    return d;
  }();
  static const rapidjson::SchemaDocument* schema = new rapidjson::SchemaDocument(*doc);
  *raw = doc;
  return *schema;
}

// Follows "$ref" inside the schema document (only local "#/..." refs are used).
const Value* Deref(const rapidjson::Document& schema, const Value* node) {
  for (int i = 0; i < 8 && node && node->IsObject() && node->HasMember("$ref"); ++i) {
    std::string ref = Str((*node)["$ref"]);
    if (ref.rfind("#", 0) != 0) return node;
    node = rapidjson::Pointer(ref.substr(1).c_str()).Get(schema);
  }
  return node;
}

std::string ListOf(const Value& array) {
  std::string out;
  for (const auto& e : array.GetArray()) {
    if (!out.empty()) out += ", ";
    if (e.IsString()) out += Quote(Str(e));
    else if (e.IsInt()) out += std::to_string(e.GetInt());
  }
  return out;
}

bool schema_pointer_is(const Value* node, const rapidjson::Document& schema, const char* pointer) {
  return node != nullptr && rapidjson::Pointer(pointer).Get(schema) == node;
}

bool MatchesXPrefix(std::string_view key) { return key.rfind("x-", 0) == 0; }

// Forwards SAX events to the schema validator, leaving out "x-" extension members and
// everything under them: extensions are free-form. (RapidJSON 1.1's patternProperties
// applies the wrong subschema to such members, so they must not reach it.)
class ExtensionFilter {
 public:
  explicit ExtensionFilter(rapidjson::SchemaValidator* v) : v_(v) {}
  bool Null() { return skipping_ ? Leaf() : v_->Null(); }
  bool Bool(bool b) { return skipping_ ? Leaf() : v_->Bool(b); }
  bool Int(int i) { return skipping_ ? Leaf() : v_->Int(i); }
  bool Uint(unsigned u) { return skipping_ ? Leaf() : v_->Uint(u); }
  bool Int64(int64_t i) { return skipping_ ? Leaf() : v_->Int64(i); }
  bool Uint64(uint64_t u) { return skipping_ ? Leaf() : v_->Uint64(u); }
  bool Double(double d) { return skipping_ ? Leaf() : v_->Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool c) { return skipping_ ? Leaf() : v_->RawNumber(s, n, c); }
  bool String(const char* s, rapidjson::SizeType n, bool c) { return skipping_ ? Leaf() : v_->String(s, n, c); }
  bool StartObject() {
    if (skipping_) return Open();
    skipped_.push_back(0);
    return v_->StartObject();
  }
  bool StartArray() { return skipping_ ? Open() : v_->StartArray(); }
  bool EndObject(rapidjson::SizeType n) {
    if (skipping_) return Close();
    rapidjson::SizeType skipped = skipped_.back();
    skipped_.pop_back();
    return v_->EndObject(n - skipped);
  }
  bool EndArray(rapidjson::SizeType n) { return skipping_ ? Close() : v_->EndArray(n); }
  bool Key(const char* s, rapidjson::SizeType n, bool c) {
    if (skipping_) return true;
    if (n >= 2 && s[0] == 'x' && s[1] == '-') {
      skipping_ = true;  // the member's value comes next
      depth_ = 0;
      ++skipped_.back();
      return true;
    }
    return v_->Key(s, n, c);
  }

 private:
  bool Leaf() {
    if (depth_ == 0) skipping_ = false;
    return true;
  }
  bool Open() {
    ++depth_;
    return true;
  }
  bool Close() {
    if (--depth_ == 0) skipping_ = false;
    return true;
  }

  rapidjson::SchemaValidator* v_;
  bool skipping_ = false;
  int depth_ = 0;                                 // containers open inside the skipped value
  std::vector<rapidjson::SizeType> skipped_;      // per open object: members left out
};

// The schema's per-endpoint part, checked by hand: a manifest of a million endpoints spends
// most of its validation there, and RapidJSON's validator costs about three parses. True
// only when the endpoint certainly satisfies manifest-v1.schema.json's "endpoint"
// definition; anything doubtful (a wrong type, a long or non-ASCII string, an unknown
// member) is false, and the full validator then sees the whole array and words the error.
// schema_fast_path_test.cc holds the two to agreement.
bool StringWithin(const Value& v, size_t min, size_t max) {
  // Bytes bound code points from above, so a byte count within [min, max] is within.
  return v.IsString() && v.GetStringLength() >= min && v.GetStringLength() <= max;
}

std::string_view View(const Value& v) { return std::string_view(v.GetString(), v.GetStringLength()); }

bool EndpointPassesSchemaFastPath(const Value& v) {
  if (!v.IsObject()) return false;
  bool id = false, activity = false, data = false;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key(m->name.GetString(), m->name.GetStringLength());
    const Value& value = m->value;
    if (key == "id") {
      if (!(id = value.IsString() && FastId(View(value)))) return false;
    } else if (key == "activity") {
      if (!(activity = value.IsString() && FastActivity(View(value)))) return false;
    } else if (key == "data") {
      if (!value.IsArray() || value.Empty() || value.Size() > 1000) return false;
      for (const Value& c : value.GetArray()) {
        if (!c.IsString() || !FastCategory(View(c))) return false;
      }
      data = true;
    } else if (key == "host") {
      if (!StringWithin(value, 1, 1024)) return false;
    } else if (key == "ip") {
      if (!StringWithin(value, 1, 64)) return false;
    } else if (key == "url") {
      if (!StringWithin(value, 1, 4096)) return false;
    } else if (key == "declared_region") {
      if (!StringWithin(value, 1, 128)) return false;
    } else if (key.size() < 2 || key.substr(0, 2) != "x-") {
      return false;
    }
  }
  return id && activity && data;
}

// Sends the document to the validator as Value::Accept would, except that an "endpoints"
// array whose every element passed the fast path goes as an empty array (which the
// schema allows): the validator then spends nothing on what is already known valid.
template <typename Handler>
bool Emit(const Value& v, const std::unordered_set<const Value*>& checked, Handler& h) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return h.Null();
    case rapidjson::kFalseType: return h.Bool(false);
    case rapidjson::kTrueType: return h.Bool(true);
    case rapidjson::kStringType: return h.String(v.GetString(), v.GetStringLength(), false);
    case rapidjson::kNumberType:
      if (v.IsInt()) return h.Int(v.GetInt());
      if (v.IsUint()) return h.Uint(v.GetUint());
      if (v.IsInt64()) return h.Int64(v.GetInt64());
      if (v.IsUint64()) return h.Uint64(v.GetUint64());
      return h.Double(v.GetDouble());
    case rapidjson::kArrayType:
      if (!h.StartArray()) return false;
      if (checked.count(&v)) return h.EndArray(0);
      for (const Value& item : v.GetArray()) {
        if (!Emit(item, checked, h)) return false;
      }
      return h.EndArray(v.Size());
    case rapidjson::kObjectType:
      if (!h.StartObject()) return false;
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
        if (!h.Key(m->name.GetString(), m->name.GetStringLength(), false)) return false;
        if (!Emit(m->value, checked, h)) return false;
      }
      return h.EndObject(v.MemberCount());
  }
  return false;
}

// The endpoints arrays (the service's and every subservice's) whose every element passes.
std::unordered_set<const Value*> FastCheckedEndpoints(const Value& root) {
  std::unordered_set<const Value*> out;
  auto consider = [&](const Value& node) {
    if (!node.IsObject()) return;
    auto it = node.FindMember("endpoints");
    if (it == node.MemberEnd() || !it->value.IsArray() || it->value.Size() > kMaxEndpointsPerNode) return;
    for (const Value& e : it->value.GetArray()) {
      if (!EndpointPassesSchemaFastPath(e)) return;
    }
    out.insert(&it->value);
  };
  if (!root.IsObject()) return out;
  if (auto it = root.FindMember("service"); it != root.MemberEnd()) consider(it->value);
  if (auto it = root.FindMember("subservices"); it != root.MemberEnd() && it->value.IsArray()) {
    for (const Value& n : it->value.GetArray()) consider(n);
  }
  return out;
}

class ManifestReader {
 public:
  // `tap`, when not null, holds the endpoints taken during the parse (src.tapped()).
  ManifestReader(const JsonSource& src, const Jurisdictions& j, EndpointTap* tap, Manifest* m,
                 std::vector<Diagnostic>* errors)
      : src_(src), j_(j), tap_(tap), m_(m), errors_(errors) {}

  bool ValidateSchema(bool fast_path);
  void Build();

 private:
  void Error(const Value* at, const std::string& pointer, std::string message) {
    errors_->push_back(src_.At(at, pointer, std::move(message)));
  }
  SourceRef Ref(const Value& v, const std::string& pointer) const { return {pointer, src_.PosOf(&v)}; }
  std::string SchemaMessage(const Value* instance, const std::string& pointer, const Value* schema_node,
                            std::string_view keyword, const Value** at);
  Entity ReadEntity(const Value& v, const std::string& pointer);
  void ReadNode(const Value& v, const std::string& pointer, Node::Role role);
  // An endpoint's members, found in one pass; nullptr when absent.
  struct EndpointFields {
    const Value* object = nullptr;
    const Value *id = nullptr, *activity = nullptr, *data = nullptr;
    const Value *host = nullptr, *ip = nullptr, *url = nullptr, *declared_region = nullptr;
  };
  // The endpoints of one node, read after all the nodes, on several threads when there
  // are many. What a thread makes besides the endpoints goes to its sink: errors wait
  // there to be located on one thread, and endpoints declaring the same region share it.
  struct EndpointsJob {
    size_t node;             // index into Manifest::nodes
    const Value* endpoints;  // the node's "endpoints" array
  };
  // The ids of one node's endpoints, for the duplicate check: an open-addressing table of
  // views into the DOM, reused from node to node (no allocation per id).
  class EndpointIds {
   public:
    void Reset(size_t n) {
      size_t capacity = 16;
      while (capacity < 2 * n) capacity *= 2;
      slots_.assign(capacity, Slot{});
    }
    // The index first inserted with `id`; inserts `index` when there is none.
    size_t Insert(std::string_view id, size_t index) {
      size_t mask = slots_.size() - 1;
      for (size_t i = std::hash<std::string_view>{}(id) & mask;; i = (i + 1) & mask) {
        if (slots_[i].index == kNone) {
          slots_[i] = Slot{id, index};
          return index;
        }
        if (slots_[i].id == id) return slots_[i].index;
      }
    }

   private:
    static constexpr size_t kNone = SIZE_MAX;
    struct Slot {
      std::string_view id;
      size_t index = kNone;
    };
    std::vector<Slot> slots_;
  };
  struct EndpointSink {
    struct Pending {
      const Value* at;
      std::string pointer;
      std::string message;
    };
    std::vector<Pending> errors;
    std::unordered_map<std::string_view, std::shared_ptr<const Location>> regions;  // by text, as in the DOM
    EndpointIds ids;
    void Error(const Value* at, std::string pointer, std::string message) {
      errors.push_back(Pending{at, std::move(pointer), std::move(message)});
    }
  };
  void ReadEndpoints();
  void ReadEndpointsOf(const EndpointsJob& job, EndpointSink* sink);
  void ReadEndpoint(const Value& v, Node* node, size_t node_index,
                    EndpointIds* endpoint_ids, EndpointSink* sink);
  std::vector<std::string> ReadCategories(const Value& v);
  std::optional<Location> ReadLocation(const Value& v, const std::string& pointer);
  // ReadLocation for an endpoint's declared_region: endpoints that declare the same text
  // share one Location.
  SharedLocation ReadRegion(const Value& v, const std::string& pointer, EndpointSink* sink);
  void CheckCountry(const Value& v, const std::string& pointer);
  void ReadTarget(const EndpointFields& f, const std::string& pointer, Endpoint* e, EndpointSink* sink);

  // Endpoints of job `k`, taken or in the DOM.
  size_t JobSize(const EndpointsJob& job) const {
    const std::vector<Endpoint>* taken = tap_ ? tap_->Taken(job.node) : nullptr;
    return taken ? taken->size() : job.endpoints->Size();
  }

  const JsonSource& src_;
  const Jurisdictions& j_;
  EndpointTap* tap_;
  Manifest* m_;
  std::vector<Diagnostic>* errors_;
  std::vector<EndpointsJob> jobs_;
};

bool ManifestReader::ValidateSchema(bool fast_path) {
  const rapidjson::Document* schema_doc = nullptr;
  const rapidjson::SchemaDocument& schema = ManifestSchema(&schema_doc);
  rapidjson::SchemaValidator validator(schema);
  ExtensionFilter filter(&validator);
  std::unordered_set<const Value*> checked;
  if (fast_path) checked = FastCheckedEndpoints(src_.doc());
  if (Emit(src_.doc(), checked, filter)) return true;

  auto text = [](const rapidjson::Pointer& p) {
    rapidjson::StringBuffer sb;
    p.Stringify(sb);
    return std::string(sb.GetString(), sb.GetSize());
  };
  std::string pointer = text(validator.GetInvalidDocumentPointer());
  std::string schema_pointer = text(validator.GetInvalidSchemaPointer());
  const Value* instance = src_.Find(pointer);
  const Value* schema_node = rapidjson::Pointer(schema_pointer.c_str()).Get(*schema_doc);
  const Value* at = instance;
  std::string message = SchemaMessage(instance, pointer, schema_node, validator.GetInvalidSchemaKeyword(), &at);
  Error(at, pointer, message);
  return false;
}

std::string ManifestReader::SchemaMessage(const Value* instance, const std::string& pointer,
                                          const Value* schema_node, std::string_view keyword,
                                          const Value** at) {
  const rapidjson::Document* schema_doc = nullptr;
  ManifestSchema(&schema_doc);
  std::string field = pointer.substr(pointer.rfind('/') + 1);
  schema_node = Deref(*schema_doc, schema_node);
  if (!instance || !schema_node || !schema_node->IsObject()) {
    return std::string("does not match the manifest schema (") + std::string(keyword) + ")";
  }
  auto schema_has = [&](const char* k) { return schema_node->HasMember(k); };
  std::string description =
      schema_has("description") && (*schema_node)["description"].IsString() ? Str((*schema_node)["description"]) : "";

  if (keyword == "required" && instance->IsObject()) {
    for (const auto& req : (*schema_node)["required"].GetArray()) {
      if (!instance->HasMember(req)) return "missing required field \"" + Str(req) + "\"";
    }
  }
  if (keyword == "additionalProperties" && !instance->IsObject()) {
    // This RapidJSON names the unknown member itself; its parent is the object.
    size_t slash = pointer.rfind('/');
    const Value* parent = src_.Find(pointer.substr(0, slash));
    if (parent && parent->IsObject()) {
      return SchemaMessage(parent, pointer.substr(0, slash), schema_node, keyword, at);
    }
  }
  if (keyword == "additionalProperties" && instance->IsObject() && schema_has("properties")) {
    std::vector<std::string> known;
    for (auto p = (*schema_node)["properties"].MemberBegin(); p != (*schema_node)["properties"].MemberEnd(); ++p) {
      known.push_back(Str(p->name));
    }
    for (auto mem = instance->MemberBegin(); mem != instance->MemberEnd(); ++mem) {
      std::string key = Str(mem->name);
      if (MatchesXPrefix(key) || std::find(known.begin(), known.end(), key) != known.end()) continue;
      *at = &mem->name;
      return "unknown field " + Quote(key) + DidYouMean(key, known) +
             " (extensions must start with \"x-\")";
    }
  }
  if (keyword == "type" && schema_has("type")) {
    std::string want = Str((*schema_node)["type"]);
    std::string article = (want == "object" || want == "array" || want == "integer") ? "an " : "a ";
    return "expected " + article + want + ", got " + TypeName(*instance);
  }
  if (keyword == "enum" && schema_has("enum")) {
    const Value& options = (*schema_node)["enum"];
    if (pointer == "/manifest_version") {
      std::string got = instance->IsNumber() && instance->IsInt() ? std::to_string(instance->GetInt())
                        : instance->IsString() ? Quote(Str(*instance)) + " (a string)" : TypeName(*instance);
      return "unsupported manifest_version " + got + ": this residency reads version 1";
    }
    if (!instance->IsString()) return std::string("expected one of ") + ListOf(options) + ", got " + TypeName(*instance);
    std::vector<std::string> names;
    for (const auto& o : options.GetArray()) {
      if (o.IsString()) names.push_back(Str(o));
    }
    return "invalid " + field + " " + Quote(Str(*instance)) + ": expected one of " + ListOf(options) +
           DidYouMean(Str(*instance), names);
  }
  if (keyword == "pattern" && instance->IsString()) {
    std::string value = Str(*instance);
    if (schema_pointer_is(schema_node, *schema_doc, "/definitions/category")) {
      std::vector<std::string> names(std::begin(kBuiltinCategories), std::end(kBuiltinCategories));
      return "unknown data category " + Quote(value) + DidYouMean(value, names) +
             " (custom categories start with \"x-\")";
    }
    if (schema_pointer_is(schema_node, *schema_doc, "/definitions/country")) {
      std::string error;
      j_.CheckCountry(value, &error);
      return error;
    }
    return "invalid " + field + " " + Quote(value) + (description.empty() ? "" : ": expected " + description);
  }
  if (keyword == "maxLength" && instance->IsString()) {
    return "string too long: " + std::to_string(instance->GetStringLength()) + " bytes, at most " +
           std::to_string((*schema_node)["maxLength"].GetInt()) + " characters";
  }
  if (keyword == "minLength" && instance->IsString()) return "empty string";
  if (keyword == "minItems" && instance->IsArray()) {
    return "empty array: at least " + std::to_string((*schema_node)["minItems"].GetInt()) + " item needed";
  }
  if (keyword == "maxItems" && instance->IsArray()) {
    return "too many items: " + std::to_string(instance->Size()) + ", at most " +
           std::to_string((*schema_node)["maxItems"].GetInt());
  }
  return std::string("does not match the manifest schema (") + std::string(keyword) + ")";
}

void ManifestReader::CheckCountry(const Value& v, const std::string& pointer) {
  std::string error;
  if (!j_.CheckCountry(Str(v), &error)) Error(&v, pointer, error);
}

std::optional<Location> ManifestReader::ReadLocation(const Value& v, const std::string& pointer) {
  std::string error;
  auto loc = j_.ParseLocation(Str(v), &error);
  if (!loc) Error(&v, pointer, error);
  return loc;
}

SharedLocation ManifestReader::ReadRegion(const Value& v, const std::string& pointer, EndpointSink* sink) {
  std::string_view text(v.GetString(), v.GetStringLength());
  if (auto it = sink->regions.find(text); it != sink->regions.end()) return SharedLocation(it->second);
  std::string error;
  std::optional<Location> loc = j_.ParseLocation(text, &error);
  if (!loc) {
    sink->Error(&v, pointer, error);
    return SharedLocation();
  }
  auto shared = std::make_shared<const Location>(std::move(*loc));
  sink->regions.emplace(text, shared);
  return SharedLocation(std::move(shared));
}

std::vector<std::string> ManifestReader::ReadCategories(const Value& v) {
  std::vector<std::string> out;
  out.reserve(v.Size());
  for (const auto& c : v.GetArray()) {
    std::string name = Str(c);
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

Entity ManifestReader::ReadEntity(const Value& v, const std::string& pointer) {
  Entity e;
  e.ref = Ref(v, pointer);
  e.legal_name = Str(v["legal_name"]);
  e.country = Str(v["country"]);
  CheckCountry(v["country"], pointer + "/country");
  if (v.HasMember("parent_country")) {
    e.parent_country = Str(v["parent_country"]);
    CheckCountry(v["parent_country"], pointer + "/parent_country");
  }
  return e;
}

void ManifestReader::ReadTarget(const EndpointFields& f, const std::string& pointer, Endpoint* e,
                                EndpointSink* sink) {
  const char* names[] = {"host", "ip", "url"};
  const Value* values[] = {f.host, f.ip, f.url};
  const char* present[3];
  size_t count = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (values[i]) present[count++] = names[i];
  }
  if (count != 1) {
    sink->Error(f.object, pointer,
          count == 0 ? "endpoint " + Quote(e->id) + " has none of \"host\", \"ip\", \"url\": exactly one is needed"
                     : "endpoint " + Quote(e->id) + " has both \"" + present[0] + "\" and \"" + present[1] +
                           "\": exactly one of \"host\", \"ip\", \"url\" is allowed");
    return;
  }
  std::string_view field = present[0];
  const Value& value = f.host ? *f.host : f.ip ? *f.ip : *f.url;
  std::string error;
  if (!FillTarget(field, View(value), e, &error)) sink->Error(&value, pointer + "/" + std::string(field), error);
}

void ManifestReader::ReadEndpoint(const Value& v, Node* node, size_t node_index,
                                  EndpointIds* endpoint_ids, EndpointSink* sink) {
  // One pass over the members (the schema has checked their types; keys are unique).
  EndpointFields f;
  f.object = &v;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    std::string_view key(m->name.GetString(), m->name.GetStringLength());
    const Value* value = &m->value;
    if (key == "id") f.id = value;
    else if (key == "activity") f.activity = value;
    else if (key == "data") f.data = value;
    else if (key == "ip") f.ip = value;
    else if (key == "host") f.host = value;
    else if (key == "url") f.url = value;
    else if (key == "declared_region") f.declared_region = value;
  }
  // Built in place: an Endpoint is a few hundred bytes, and there may be millions.
  Endpoint& e = node->endpoints.emplace_back();
  e.pos = src_.PosOf(&v);
  e.id.assign(f.id->GetString(), f.id->GetStringLength());
  e.node = static_cast<uint32_t>(node_index);  // the schema's maxItems of subservices, + 1
  e.index = static_cast<uint32_t>(node->endpoints.size() - 1);
  const std::string at = e.Pointer();  // for the messages
  e.activity = *ParseActivity(std::string_view(f.activity->GetString(), f.activity->GetStringLength()));
  e.data = ReadCategories(*f.data);
  ReadTarget(f, at, &e, sink);
  if (f.declared_region) e.declared_region = ReadRegion(*f.declared_region, at + "/declared_region", sink);
  size_t index = node->endpoints.size() - 1;
  size_t first = endpoint_ids->Insert(std::string_view(f.id->GetString(), f.id->GetStringLength()), index);
  if (first != index) {
    sink->Error(f.id, at + "/id",
          "duplicate endpoint id " + Quote(e.id) + " in node " + Quote(node->id) + " (first at line " +
              std::to_string(node->endpoints[first].pos.line) + ")");
  }
}

void ManifestReader::ReadEndpointsOf(const EndpointsJob& job, EndpointSink* sink) {
  Node& n = m_->nodes[job.node];
  if (std::vector<Endpoint>* taken = tap_ ? tap_->Taken(job.node) : nullptr) {
    n.endpoints = std::move(*taken);
    EndpointTap::Finish(src_, job.node, &n.endpoints);
    return;
  }
  const Value& eps = *job.endpoints;
  n.endpoints.reserve(eps.Size());
  EndpointIds& endpoint_ids = sink->ids;
  endpoint_ids.Reset(eps.Size());
  for (rapidjson::SizeType i = 0; i < eps.Size(); ++i) ReadEndpoint(eps[i], &n, job.node, &endpoint_ids, sink);
}

void ManifestReader::ReadEndpoints() {
  // Slices of whole nodes with about as many endpoints each, one slice per thread; a
  // small manifest is one slice, read on this thread.
  size_t total = 0;
  for (const EndpointsJob& job : jobs_) total += JobSize(job);
  size_t slices = total >= kParallelEndpoints ? Workers() : 1;
  std::vector<size_t> first_job(slices + 1, jobs_.size());  // slice k reads jobs [first_job[k], first_job[k + 1])
  first_job[0] = 0;
  size_t before = 0;
  for (size_t k = 0, slice = 0; k < jobs_.size(); ++k) {
    size_t want = std::min(slices - 1, before * slices / std::max<size_t>(total, 1));
    while (slice < want) first_job[++slice] = k;
    before += JobSize(jobs_[k]);
  }
  std::vector<EndpointSink> sinks(slices);
  ParallelFor(slices, 1, [&](size_t begin, size_t end, size_t) {
    for (size_t k = begin; k < end; ++k) {
      for (size_t job = first_job[k]; job < first_job[k + 1]; ++job) ReadEndpointsOf(jobs_[job], &sinks[k]);
    }
  });
  // Located here, on one thread: locating a scalar builds an index on first need.
  for (EndpointSink& sink : sinks) {
    for (EndpointSink::Pending& e : sink.errors) Error(e.at, e.pointer, std::move(e.message));
  }
}

void ManifestReader::ReadNode(const Value& v, const std::string& pointer, Node::Role role) {
  Node n;
  n.role = role;
  n.ref = Ref(v, pointer);
  n.id = Str(v["id"]);
  n.name = Str(v["name"]);
  if (v.HasMember("kind")) n.kind = Str(v["kind"]);
  n.entity = role == Node::Role::kService ? ReadEntity(v["provider"], pointer + "/provider")
                                          : ReadEntity(v["operator"], pointer + "/operator");
  if (v.HasMember("method")) n.method = Str(v["method"]);
  if (v.HasMember("certifications")) {
    for (const auto& c : v["certifications"].GetArray()) n.certifications.push_back(Str(c));
  }
  if (v.HasMember("declared_regions")) {
    const Value& regions = v["declared_regions"];
    for (rapidjson::SizeType i = 0; i < regions.Size(); ++i) {
      if (auto loc = ReadLocation(regions[i], PointerAppend(pointer + "/declared_regions", i))) {
        n.declared_regions.push_back(*loc);
      }
    }
  }
  long existing = m_->FindNode(n.id);
  if (existing >= 0) {
    Error(&v["id"], pointer + "/id",
          "duplicate node id " + Quote(n.id) + " (first at line " +
              std::to_string(m_->nodes[static_cast<size_t>(existing)].ref.pos.line) + ")");
  }
  size_t index = m_->nodes.size();
  if (v.HasMember("endpoints")) jobs_.push_back(EndpointsJob{index, &v["endpoints"]});
  m_->node_index.emplace(n.id, index);
  m_->nodes.push_back(std::move(n));
}

void ManifestReader::Build() {
  const Value& root = src_.doc();
  const Value& service = root["service"];
  m_->assurance_level = Str(service["assurance_level"]);
  if (service.HasMember("applicable_law")) {
    m_->applicable_law = Str(service["applicable_law"]);
    CheckCountry(service["applicable_law"], "/service/applicable_law");
  }
  ReadNode(service, "/service", Node::Role::kService);
  if (root.HasMember("subservices")) {
    const Value& subs = root["subservices"];
    for (rapidjson::SizeType i = 0; i < subs.Size(); ++i) {
      ReadNode(subs[i], PointerAppend("/subservices", i), Node::Role::kSubservice);
    }
  }
  ReadEndpoints();
  const Value& decls = root["declared_locations"];
  m_->declarations_ref = Ref(decls, "/declared_locations");
  for (rapidjson::SizeType i = 0; i < decls.Size(); ++i) {
    const Value& d = decls[i];
    std::string pointer = PointerAppend("/declared_locations", i);
    Declaration decl;
    decl.ref = Ref(d, pointer);
    decl.activity = *ParseActivity(Str(d["activity"]));
    decl.data = ReadCategories(d["data"]);
    const Value& locs = d["locations"];
    for (rapidjson::SizeType k = 0; k < locs.Size(); ++k) {
      if (auto loc = ReadLocation(locs[k], PointerAppend(pointer + "/locations", k))) decl.locations.push_back(*loc);
    }
    if (d.HasMember("operations")) {
      for (const auto& op : d["operations"].GetArray()) decl.operations.push_back(Str(op));
    }
    m_->declarations.push_back(std::move(decl));
  }
  if (root.HasMember("flows")) {
    std::vector<std::string> ids;
    for (const Node& n : m_->nodes) ids.push_back(n.id);
    const Value& flows = root["flows"];
    for (rapidjson::SizeType i = 0; i < flows.Size(); ++i) {
      const Value& f = flows[i];
      std::string pointer = PointerAppend("/flows", i);
      Flow flow;
      flow.ref = Ref(f, pointer);
      flow.data = ReadCategories(f["data"]);
      bool ok = true;
      for (const char* end : {"from", "to"}) {
        std::string id = Str(f[end]);
        long node = m_->FindNode(id);
        if (node < 0) {
          Error(&f[end], pointer + "/" + end, "flow names unknown node " + Quote(id) + DidYouMean(id, ids));
          ok = false;
        } else {
          (std::string_view(end) == "from" ? flow.from : flow.to) = static_cast<size_t>(node);
        }
      }
      if (ok && flow.from == flow.to) {
        Error(&f, pointer, "flow from " + Quote(Str(f["from"])) + " to itself");
        ok = false;
      }
      if (ok) m_->flows.push_back(std::move(flow));
    }
  }
}

}  // namespace

std::string_view ActivityName(Activity a) {
  switch (a) {
    case Activity::kStorage: return "storage";
    case Activity::kBackup: return "backup";
    case Activity::kProcessing: return "processing";
    case Activity::kAdministration: return "administration";
    case Activity::kSupport: return "support";
  }
  return "?";
}

std::optional<Activity> ParseActivity(std::string_view name) {
  // By length first: a million endpoints ask this once each.
  Activity a;
  switch (name.size()) {
    case 6: a = Activity::kBackup; break;
    case 7: a = name[1] == 't' ? Activity::kStorage : Activity::kSupport; break;
    case 10: a = Activity::kProcessing; break;
    case 14: a = Activity::kAdministration; break;
    default: return std::nullopt;
  }
  if (ActivityName(a) == name) return a;
  return std::nullopt;
}

long Manifest::FindNode(std::string_view id) const {
  auto it = node_index.find(std::string(id));
  return it == node_index.end() ? -1 : static_cast<long>(it->second);
}

std::string Manifest::QualifiedId(const Endpoint& e) const {
  const std::string& node_id = nodes[e.node].id;
  std::string out;
  out.reserve(node_id.size() + 1 + e.id.size());
  out.append(node_id).append(1, '/').append(e.id);
  return out;
}

std::string Endpoint::Pointer() const {
  std::string out;
  WritePointer(&out);
  return out;
}

void Endpoint::WritePointer(std::string* out) const {
  char digits[24];
  out->clear();
  if (node == 0) {
    out->append("/service/endpoints/");
  } else {
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, node - 1);
    out->append("/subservices/").append(digits, end).append("/endpoints/");
  }
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, index);
  out->append(digits, end);
}

bool NormalizeHostName(std::string_view host, std::string* a_label, std::string* error) {
  std::string name(host);
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) {
    *error = "empty name";
    return false;
  }
  bool ascii = std::all_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    char* out = nullptr;
    int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(name.c_str()), reinterpret_cast<uint8_t**>(&out),
                            IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
      *error = std::string("not a valid internationalised name (") + idn2_strerror(rc) + ")";
      return false;
    }
    name = out;
    idn2_free(out);
  }
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.size() > 253) {
    *error = "longer than 253 characters";
    return false;
  }
  size_t labels = 0;
  for (size_t start = 0; start <= name.size();) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string_view label(name.data() + start, dot - start);
    ++labels;
    if (label.empty()) {
      *error = "empty label (two dots in a row, or a leading dot)";
      return false;
    }
    if (label.size() > 63) {
      *error = "label \"" + std::string(label.substr(0, 20)) + "...\" longer than 63 characters";
      return false;
    }
    if (label.front() == '-' || label.back() == '-') {
      *error = "label \"" + std::string(label) + "\" starts or ends with '-'";
      return false;
    }
    for (char c : label) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) {
        *error = std::string("character '") + c + "' not allowed in a host name (letters, digits, '-')";
        return false;
      }
    }
    if (dot == name.size() && std::all_of(label.begin(), label.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      *error = "all-numeric top-level label";
      return false;
    }
    start = dot + 1;
  }
  if (labels < 2) {
    *error = "not a fully qualified name (a single label would depend on the resolver's search list)";
    return false;
  }
  *a_label = name;
  return true;
}

bool ParseManifest(const std::string& path, std::string text, const Jurisdictions& jurisdictions,
                   Manifest* manifest, std::vector<Diagnostic>* errors, std::string* text_memory) {
  return ParseManifestForTest(path, std::move(text), jurisdictions, true, manifest, errors, nullptr, text_memory);
}

namespace {

// Parses the text `src` holds and reads the model from it, with the endpoints taken by
// `tap` during the parse when there is one.
bool ReadParsed(JsonSource* src, const Jurisdictions& jurisdictions, EndpointTap* tap, bool schema_fast_path,
                Manifest* manifest, std::vector<Diagnostic>* errors) {
  *manifest = Manifest();
  errors->clear();
  manifest->path = src->path();
  Diagnostic d;
  if (!src->Parse(&d, tap)) {
    errors->push_back(std::move(d));
    return false;
  }
  ManifestReader reader(*src, jurisdictions, src->tapped() ? tap : nullptr, manifest, errors);
  if (!reader.ValidateSchema(schema_fast_path)) return false;
  reader.Build();
  if (errors->empty()) return true;
  std::stable_sort(errors->begin(), errors->end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  if (errors->size() > kMaxManifestErrors) {
    size_t more = errors->size() - kMaxManifestErrors;
    errors->resize(kMaxManifestErrors);
    errors->push_back(Diagnostic{src->path(), {}, "", std::to_string(more) + " more errors not shown", ""});
  }
  return false;
}

}  // namespace

bool ParseManifestForTest(const std::string& path, std::string text, const Jurisdictions& jurisdictions,
                          bool schema_fast_path, Manifest* manifest, std::vector<Diagnostic>* errors,
                          bool* endpoints_tapped, std::string* text_memory) {
  JsonSource src;
  src.SetText(path, std::move(text));
  // The hash of a large text on another core, while it is parsed and the model is read.
  std::string sha256;
  struct Hasher {
    std::thread thread;
    ~Hasher() {
      if (thread.joinable()) thread.join();
    }
  } hasher;
  bool threads = src.text().size() >= kParallelBytes && Workers() > 1;
  if (threads) {
    hasher.thread = std::thread([&src, &sha256] { sha256 = Sha256Hex(src.text()); });
  } else {
    sha256 = Sha256Hex(src.text());
  }
  // With the schema's fast path, the endpoints are read during the parse (manifest_endpoints.h).
  // A manifest with an error is read again without: the tapped DOM cannot place every
  // value, and the messages must not depend on which way found them.
  std::optional<EndpointTap> tap;
  if (schema_fast_path) tap.emplace(jurisdictions, threads);
  bool ok = ReadParsed(&src, jurisdictions, tap ? &*tap : nullptr, schema_fast_path, manifest, errors);
  if (!ok && src.tapped()) ok = ReadParsed(&src, jurisdictions, nullptr, schema_fast_path, manifest, errors);
  if (endpoints_tapped) *endpoints_tapped = src.tapped();
  if (hasher.thread.joinable()) hasher.thread.join();
  manifest->sha256 = std::move(sha256);
  if (text_memory) *text_memory = src.TakeText();  // the parse, the tap and the hash are done
  return ok;
}

bool ReadManifest(const std::string& path, const Jurisdictions& jurisdictions, Manifest* manifest,
                  std::vector<Diagnostic>* errors, std::string* text_memory) {
  std::string text;
  if (Status s = ReadFile(path, &text); !s.ok()) {
    errors->assign(1, Diagnostic{path, {}, "", s.message().substr(s.message().find(": ") + 2), ""});
    return false;
  }
  return ParseManifest(path, std::move(text), jurisdictions, manifest, errors, text_memory);
}

}  // namespace residency
