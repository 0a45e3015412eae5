// Status: the outcome of an operation that can fail (leveldb style). A failed status has a
// kind, which decides the exit code, and a message of the form "context: detail" that
// already says where (a file path, FILE:LINE:COL, a URL). Problems found *in the data*
// (findings) are not statuses: they go to the report.
#ifndef RESIDENCY_STATUS_H_
#define RESIDENCY_STATUS_H_

#include <string>
#include <utility>

namespace residency {

class Status {
 public:
  enum class Kind {
    kOk,
    kInvalidInput,  // a file or argument the user gave is wrong (exit code 2)
    kNotFound,      // a file, source or name that must exist does not (exit code 2)
    kIoError,       // reading or writing failed (exit code 2)
    kCorrupt,       // a database or index is damaged (exit code 2)
    kNetwork,       // a server failed or answered badly (exit code 2)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return Status(Kind::kInvalidInput, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Kind::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Kind::kIoError, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Kind::kCorrupt, std::move(msg)); }
  static Status Network(std::string msg) { return Status(Kind::kNetwork, std::move(msg)); }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  // "PREFIX: message", for adding context on the way up.
  Status WithContext(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(kind_, prefix + ": " + message_);
  }

 private:
  Status(Kind kind, std::string msg) : kind_(kind), message_(std::move(msg)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
};

// Reads a whole file into *out. Errors name the path: "PATH: No such file or directory",
// "PATH: is a directory".
Status ReadFile(const std::string& path, std::string* out);

// Writes `data` to `path` atomically: a temporary file beside it, fsync, rename. Readers
// never see a half-written file; on failure the old file is untouched.
Status WriteFileAtomic(const std::string& path, const std::string& data);

}  // namespace residency

#endif  // RESIDENCY_STATUS_H_
