// Manifest: the model of a service description (manifest v1, docs/manifest.md) and its
// reader. ReadManifest parses the JSON with positions (json_source.h), validates it against
// the embedded JSON Schema (manifests/schema/manifest-v1.schema.json), then checks what a
// schema cannot: unique ids, flows naming nodes, exactly one of host/ip/url, IP and DNS
// syntax (Unicode host names converted to A-labels with libidn2), URLs, known countries
// and locations. Every error is a Diagnostic with FILE:LINE:COL and the JSON pointer.
//
// The model keeps the position of every node, endpoint, flow and declaration, so that
// findings and SARIF results can point into the manifest. A Manifest is self-contained
// except for Location::region, which points into the Jurisdictions it was read with:
// that object must outlive the Manifest.
#ifndef RESIDENCY_MANIFEST_H_
#define RESIDENCY_MANIFEST_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diagnostic.h"
#include "ip.h"
#include "jurisdiction.h"

namespace residency {

enum class Activity : uint8_t { kStorage, kBackup, kProcessing, kAdministration, kSupport };
inline constexpr Activity kAllActivities[] = {Activity::kStorage, Activity::kBackup,
                                             Activity::kProcessing, Activity::kAdministration,
                                             Activity::kSupport};
std::string_view ActivityName(Activity a);
std::optional<Activity> ParseActivity(std::string_view name);

// The built-in data categories; custom ones start with "x-".
inline constexpr std::string_view kBuiltinCategories[] = {"customer", "derived", "account",
                                                          "metadata", "technical"};

// Where something is in the manifest: the JSON pointer and the line and column.
struct SourceRef {
  std::string pointer;
  SourcePos pos;
};

struct Entity {
  std::string legal_name;
  std::string country;
  std::string parent_country;  // "" when not declared
  SourceRef ref;
};

// An endpoint's declared region, held by a shared pointer and read like a
// std::optional<Location>: a Location is 136 bytes (its CountrySet is a bitset), most
// endpoints declare no region, and those that do repeat a few, which then share one.
// Immutable once made, so copies of a Manifest may share it.
class SharedLocation {
 public:
  SharedLocation() = default;
  SharedLocation(std::nullopt_t) {}  // NOLINT: as std::optional
  SharedLocation(Location location)  // NOLINT: as std::optional
      : location_(std::make_shared<const Location>(std::move(location))) {}
  SharedLocation(std::optional<Location> location)  // NOLINT: as std::optional
      : location_(location ? std::make_shared<const Location>(std::move(*location)) : nullptr) {}
  explicit SharedLocation(std::shared_ptr<const Location> location) : location_(std::move(location)) {}

  bool has_value() const { return location_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: has_value().
  const Location& operator*() const { return *location_; }
  const Location* operator->() const { return location_.get(); }
  const Location& value() const { return *location_; }
  void reset() { location_.reset(); }

 private:
  std::shared_ptr<const Location> location_;
};

// An endpoint's data categories, held by a shared pointer and read like the
// std::vector<std::string> it holds: a million endpoints name a handful of distinct lists,
// which the manifest reader makes once each (a vector and its strings per endpoint were, at
// 1M endpoints, 8,600 pages of memory new to the process). Immutable once made.
class Categories {
 public:
  Categories() = default;
  Categories(std::vector<std::string> list)  // NOLINT: as the vector
      : list_(list.empty() ? nullptr : std::make_shared<const std::vector<std::string>>(std::move(list))) {}

  const std::vector<std::string>& list() const { return list_ ? *list_ : Empty(); }
  operator const std::vector<std::string>&() const { return list(); }  // NOLINT: read as the vector
  std::vector<std::string>::const_iterator begin() const { return list().begin(); }
  std::vector<std::string>::const_iterator end() const { return list().end(); }
  size_t size() const { return list().size(); }
  bool empty() const { return list().empty(); }
  const std::string& operator[](size_t i) const { return list()[i]; }
  bool operator==(const Categories& other) const { return list() == other.list(); }

 private:
  static const std::vector<std::string>& Empty() {
    static const std::vector<std::string> kEmpty;
    return kEmpty;
  }
  std::shared_ptr<const std::vector<std::string>> list_;
};

// A string that most objects leave empty (an endpoint's URL), held by one pointer that is
// null while it is empty, and read like the std::string it holds.
class SparseString {
 public:
  SparseString() = default;
  SparseString(const SparseString& other) { *this = other; }
  SparseString(SparseString&&) noexcept = default;
  SparseString& operator=(const SparseString& other) {
    if (this != &other) *this = std::string_view(other.str());
    return *this;
  }
  SparseString& operator=(SparseString&&) noexcept = default;
  SparseString& operator=(std::string_view text) {
    if (text.empty()) text_.reset();
    else if (text_) text_->assign(text);
    else text_ = std::make_unique<std::string>(text);
    return *this;
  }

  const std::string& str() const { return text_ ? *text_ : Empty(); }
  operator const std::string&() const { return str(); }  // NOLINT: read as the string
  bool empty() const { return text_ == nullptr; }
  const char* c_str() const { return str().c_str(); }
  friend bool operator==(const SparseString& a, const SparseString& b) { return a.str() == b.str(); }
  friend bool operator==(const SparseString& a, std::string_view b) { return a.str() == b; }

 private:
  static const std::string& Empty() {
    static const std::string kEmpty;
    return kEmpty;
  }
  std::unique_ptr<std::string> text_;
};

// A million of these may be read, so the small members sit together (144 bytes), and what
// follows from others is not held: the qualified id is its node's id and its own
// (Manifest::QualifiedId), the JSON pointer its node's and its index (Pointer). Each held
// string is memory new to the process at parse time, at ~2-13 µs a page on the project's
// VM (docs/performance.md).
struct Endpoint {
  enum class Target : uint8_t { kHost, kIp, kUrl };
  std::string id;            // as in the manifest
  std::string host;          // A-label form, lower case, no trailing dot; "" for an IP target
  SparseString url;          // for a url target
  Categories data;
  SharedLocation declared_region;
  std::optional<IpAddress> ip;  // for an ip target, or a URL whose host is an IP literal
  Target target = Target::kHost;
  Activity activity = Activity::kProcessing;
  uint32_t node = 0;         // index into Manifest::nodes (the schema allows 1,000,001)
  uint32_t index = 0;        // its place in its node's "endpoints" array
  SourcePos pos;             // of its object in the manifest

  // "/service/endpoints/I" or "/subservices/K/endpoints/I" (nodes[0] is the service,
  // nodes[K + 1] subservice K).
  std::string Pointer() const;
  void WritePointer(std::string* out) const;  // the same, into *out (keeping its capacity)
  SourceRef Ref() const { return SourceRef{Pointer(), pos}; }
};

struct Node {
  enum class Role { kService, kSubservice };
  Role role = Role::kSubservice;
  std::string id;
  std::string name;
  std::string kind;  // iaas | paas | saas | other | ""
  Entity entity;     // the provider for the service, the operator for a subservice
  std::string method;  // inclusive | carve-out | ""
  std::vector<std::string> certifications;
  std::vector<Location> declared_regions;
  std::vector<Endpoint> endpoints;
  SourceRef ref;
};

struct Declaration {
  Activity activity = Activity::kStorage;
  std::vector<std::string> data;
  std::vector<Location> locations;
  std::vector<std::string> operations;
  SourceRef ref;
};

struct Flow {
  size_t from = 0, to = 0;  // indices into Manifest::nodes
  std::vector<std::string> data;
  SourceRef ref;
};

struct Manifest {
  std::string path;
  std::string sha256;  // of the file's bytes, hex
  std::string assurance_level;  // basic | substantial | high
  std::string applicable_law;   // "" when not declared
  std::vector<Node> nodes;      // nodes[0] is the service itself
  std::vector<Declaration> declarations;
  SourceRef declarations_ref;   // the declared_locations array itself
  std::vector<Flow> flows;

  const Node& service() const { return nodes.front(); }
  // The index of the node with `id`, or -1. Constant time: the reader fills node_index.
  long FindNode(std::string_view id) const;
  // NODE/ENDPOINT: the id the report and the checks know an endpoint by. REQUIRES: `e` is
  // one of this manifest's endpoints.
  std::string QualifiedId(const Endpoint& e) const;
  std::unordered_map<std::string, size_t> node_index;  // node id -> index into nodes
};

// At most this many errors are reported for one manifest; the rest are counted.
inline constexpr size_t kMaxManifestErrors = 20;

// Reads and checks the manifest at `path`. On failure returns false with at least one
// diagnostic in *errors (ordered by position). Never throws, whatever the file holds.
// `text_memory`, when given, receives the text's memory once the parse is done (its bytes
// unspecified): memory the process has already paid for, which a later large need can
// reuse (verify's findings' messages, check.h) instead of memory new to the process.
bool ReadManifest(const std::string& path, const Jurisdictions& jurisdictions, Manifest* manifest,
                  std::vector<Diagnostic>* errors, std::string* text_memory = nullptr);

// The same for a manifest already in memory (`path` only names it in messages).
bool ParseManifest(const std::string& path, std::string text, const Jurisdictions& jurisdictions,
                   Manifest* manifest, std::vector<Diagnostic>* errors, std::string* text_memory = nullptr);

// ParseManifest with the fast paths for endpoints (the schema's, and reading them during
// the parse) switched on or off: the result must be the same either way
// (schema_fast_path_test.cc, manifest_endpoints_test.cc), so only tests call this.
// *endpoints_tapped, if given, tells whether the endpoints were read during the parse.
bool ParseManifestForTest(const std::string& path, std::string text, const Jurisdictions& jurisdictions,
                          bool fast_paths, Manifest* manifest, std::vector<Diagnostic>* errors,
                          bool* endpoints_tapped = nullptr, std::string* text_memory = nullptr);

// Converts a host name to its A-label form and checks DNS syntax. On failure returns
// false with the reason in *error.
bool NormalizeHostName(std::string_view host, std::string* a_label, std::string* error);

}  // namespace residency

#endif  // RESIDENCY_MANIFEST_H_
