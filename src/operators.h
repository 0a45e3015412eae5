// Operators: who runs a network. geodb/operators.json maps provider ids ("aws", the ids of
// the feeds and the region catalog) to the names their legal entities and AS organisations
// carry, their AS numbers and the DNS zones of their CDNs and load balancers. The
// undisclosed-operator check uses it to tell whether an observed network (feed match, AS,
// CNAME chain) belongs to an operator the manifest declares. Immutable after Load.
#ifndef RESIDENCY_OPERATORS_H_
#define RESIDENCY_OPERATORS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace residency {

class Operators {
 public:
  static Status Load(const std::string& geodb_dir, Operators* out);
  static Status Parse(std::string_view json, const std::string& origin, Operators* out);

  // The provider id whose names appear in `name` (a legal name or an AS organisation,
  // case-insensitive, as a whole word), or "".
  std::string ByName(std::string_view name) const;
  // The provider id that owns AS `number`, or "".
  std::string ByAsn(uint32_t number) const;
  // The provider id whose zone `host` lies in ("d1.cloudfront.net" -> "aws"), or "".
  std::string ByZone(std::string_view host) const;

 private:
  struct Entry {
    std::string id;
    std::vector<std::string> names;  // lower case
    std::vector<uint32_t> asns;
    std::vector<std::string> zones;  // lower case, no leading dot
  };
  std::vector<Entry> entries_;
};

}  // namespace residency

#endif  // RESIDENCY_OPERATORS_H_
