// Requirement texts: a short paraphrase for each requirement id the profiles cite ("EUCS
// DOC-03.1", "C5 GC-01", "SecNumCloud 19.2.b"), as data in manifests/requirements.json
// (dated, taken from the digest in shared/spec/requirements.md) and embedded in the binary.
// Profiles carry only the ids; reports that describe their rules (SARIF) look the text up
// here. An id with no text (a user's extension profile) is not an error: callers show the
// id alone.
#ifndef RESIDENCY_REQUIREMENTS_H_
#define RESIDENCY_REQUIREMENTS_H_

#include <map>
#include <string>
#include <string_view>

#include "diagnostic.h"

namespace residency {

using RequirementTexts = std::map<std::string, std::string, std::less<>>;

// Parses a requirements file: {"date": ..., "source": ..., "requirements": {ID: TEXT}}.
// Errors are located diagnostics naming `path`.
bool ParseRequirementTexts(const std::string& path, std::string text, RequirementTexts* out, Diagnostic* error);

// The embedded manifests/requirements.json, parsed once. The file is checked by the tests,
// so a parse failure here is a build defect; it yields an empty map rather than a crash.
const RequirementTexts& BuiltinRequirementTexts();

// The text for `id`, or "" when none is known.
std::string_view RequirementText(std::string_view id);

}  // namespace residency

#endif  // RESIDENCY_REQUIREMENTS_H_
