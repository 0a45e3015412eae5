// Output: where reports go, without holding a big report twice in memory.
//
// JsonOut is a RapidJSON output stream over a std::ostream with its own buffer (RapidJSON's
// OStreamWrapper makes one ostream call per character). ReportFile is an --output file
// written atomically: the report streams into a temporary file beside it, which replaces
// the target only on Commit (after an fsync); a failed or abandoned write leaves the old
// file untouched.
#ifndef RESIDENCY_OUTPUT_H_
#define RESIDENCY_OUTPUT_H_

#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include <sys/types.h>

#include "status.h"

namespace residency {

class JsonOut {
 public:
  using Ch = char;
  explicit JsonOut(std::ostream& out) : out_(out) {}
  ~JsonOut() { Flush(); }
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  void Put(char c) {
    buf_[used_++] = c;
    if (used_ == sizeof buf_) Flush();
  }
  // Many bytes at once (already valid JSON text, for Writer::RawValue's place).
  void Write(const char* data, size_t size) {
    if (size >= sizeof buf_ - used_) {
      Flush();
      out_.write(data, static_cast<std::streamsize>(size));
      return;
    }
    std::memcpy(buf_ + used_, data, size);
    used_ += size;
  }
  void Flush() {
    out_.write(buf_, static_cast<std::streamsize>(used_));
    used_ = 0;
  }
  // Input-stream members RapidJSON's Writer never calls on an output stream.
  char Peek() const { return '\0'; }
  char Take() { return '\0'; }
  size_t Tell() const { return 0; }
  char* PutBegin() { return nullptr; }
  size_t PutEnd(char*) { return 0; }

 private:
  std::ostream& out_;
  char buf_[1 << 16];
  size_t used_ = 0;
};

class ReportFile {
 public:
  // Opens PATH.tmp.PID for writing. Errors name the path.
  static Status Open(const std::string& path, std::unique_ptr<ReportFile>* out);
  ~ReportFile();  // without Commit: removes the temporary file
  std::ostream& stream() { return direct_ ? direct_stream_ : static_cast<std::ostream&>(file_); }
  // From now on the report bypasses the page cache (O_DIRECT), where the file system
  // allows it: on this project's VMs page cache taken from free memory is written at
  // 0.3-0.5 GB/s of kernel time, a direct write at ~1 GB/s of the device's, with no copy.
  // Whole 4 KiB blocks go out through an aligned staging buffer; the last partial block
  // goes out buffered at Commit. Call before anything is written; false (and the file
  // stays as it was) when direct writes are not to be had.
  bool WriteDirect();
  // Write-behind for a large report, called after each piece has been flushed to stream(),
  // from the thread that writes it: starts writing the new piece to the disk, waits for the
  // piece before it (by now long written) and drops that one from the page cache. The
  // report then holds two pieces of page cache, not gigabytes, and those pages are reused
  // warm: on this project's VMs, writing into fresh page cache runs at ~0.4 GB/s and
  // write-behind at 1.6-2.2 GB/s, and Commit's fsync has one piece left to wait for.
  void WriteBehind();
  // Flushes, fsyncs and renames over the target.
  Status Commit();

 private:
  ReportFile() = default;
  std::string path_, tmp_;
  std::ofstream file_;
  int sync_fd_ = -1;  // the temporary file again, for sync_file_range, fadvise and fsync
  class DirectBuf;
  std::unique_ptr<DirectBuf> direct_;
  std::ostream direct_stream_{nullptr};
  off_t behind_ = 0, written_ = 0;  // [behind_, written_): the piece being written back
  bool committed_ = false;
};

}  // namespace residency

#endif  // RESIDENCY_OUTPUT_H_
