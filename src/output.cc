#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace residency {

// A stream buffer that writes whole blocks with O_DIRECT from an aligned staging buffer.
class ReportFile::DirectBuf : public std::streambuf {
 public:
  static constexpr size_t kBlock = 4096;       // a multiple of any logical block size
  static constexpr size_t kStage = 16 << 20;   // bytes staged between writes

  // Takes `fd` (opened with O_DIRECT).
  explicit DirectBuf(int fd) : fd_(fd), stage_(static_cast<char*>(std::aligned_alloc(kBlock, kStage))) {
    if (stage_) setp(stage_, stage_ + kStage);
  }
  ~DirectBuf() override {
    if (fd_ >= 0) ::close(fd_);
    std::free(stage_);
  }
  bool ok() const { return stage_ && !failed_; }
  // Writes what is staged, the last partial block without O_DIRECT. Whether all went out.
  bool Finish() {
    if (!ok() || !WriteBlocks()) return false;
    size_t tail = static_cast<size_t>(pptr() - pbase());
    if (tail) {
      int flags = ::fcntl(fd_, F_GETFL);
      if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0 || !Write(pbase(), tail)) return false;
      setp(stage_, stage_ + kStage);
    }
    return true;
  }

 protected:
  int overflow(int c) override {
    if (!ok() || !WriteBlocks()) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n) {
      if (pptr() == epptr() && overflow(traits_type::eof()) == traits_type::eof()) break;
      size_t room = static_cast<size_t>(epptr() - pptr());
      size_t take = std::min(room, static_cast<size_t>(n - done));
      std::memcpy(pptr(), s + done, take);
      pbump(static_cast<int>(take));
      done += static_cast<std::streamsize>(take);
    }
    return done;
  }
  // A flush sends the whole blocks; less than a block waits for more, or for Finish.
  int sync() override { return ok() && WriteBlocks() ? 0 : -1; }

 private:
  // Writes the staged whole blocks and moves the partial one to the front.
  bool WriteBlocks() {
    size_t staged = static_cast<size_t>(pptr() - pbase());
    size_t whole = staged / kBlock * kBlock;
    if (whole && !Write(pbase(), whole)) return false;
    size_t rest = staged - whole;
    if (whole && rest) std::memmove(stage_, stage_ + whole, rest);
    setp(stage_, stage_ + kStage);
    pbump(static_cast<int>(rest));
    return true;
  }
  bool Write(const char* data, size_t n) {
    while (n > 0) {
      ssize_t w = ::pwrite(fd_, data, n, offset_);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        failed_ = true;
        return false;
      }
      data += w;
      n -= static_cast<size_t>(w);
      offset_ += w;
    }
    return true;
  }

  int fd_;
  char* stage_;
  off_t offset_ = 0;
  bool failed_ = false;
};

bool ReportFile::WriteDirect() {
  if (direct_) return true;
  int fd = ::open(tmp_.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT);
  if (fd < 0) return false;  // EINVAL: the file system has no direct I/O (tmpfs, say)
  auto buf = std::make_unique<DirectBuf>(fd);
  if (!buf->ok()) return false;
  direct_ = std::move(buf);
  direct_stream_.rdbuf(direct_.get());
  direct_stream_.clear();
  return true;
}

Status ReportFile::Open(const std::string& path, std::unique_ptr<ReportFile>* out) {
  std::unique_ptr<ReportFile> f(new ReportFile);
  f->path_ = path;
  f->tmp_ = path + ".tmp." + std::to_string(::getpid());
  f->file_.open(f->tmp_, std::ios::binary | std::ios::trunc);
  if (!f->file_) return Status::IoError(path + ": " + std::strerror(errno));
  f->sync_fd_ = ::open(f->tmp_.c_str(), O_WRONLY | O_CLOEXEC);
  if (f->sync_fd_ < 0) return Status::IoError(path + ": " + std::strerror(errno));
  *out = std::move(f);
  return Status::Ok();
}

ReportFile::~ReportFile() {
  if (sync_fd_ >= 0) ::close(sync_fd_);
  if (!committed_) {
    file_.close();
    std::remove(tmp_.c_str());
  }
}

void ReportFile::WriteBehind() {
  if (direct_) return;  // nothing in the page cache to write behind
  // Hints only: the fsync in Commit is what makes the report durable, and reports errors.
  struct stat st;
  if (::fstat(sync_fd_, &st) != 0 || st.st_size <= written_) return;
  if (written_ > behind_) {
    ::sync_file_range(sync_fd_, behind_, written_ - behind_,
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    ::posix_fadvise(sync_fd_, behind_, written_ - behind_, POSIX_FADV_DONTNEED);
  }
  behind_ = written_;
  written_ = st.st_size;
  ::sync_file_range(sync_fd_, behind_, written_ - behind_, SYNC_FILE_RANGE_WRITE);
}

Status ReportFile::Commit() {
  file_.flush();
  bool ok = static_cast<bool>(file_);
  file_.close();
  if (direct_) {
    direct_stream_.flush();
    ok = ok && direct_stream_ && direct_->Finish();
  }
  if (!ok || file_.fail()) return Status::IoError(path_ + ": write failed");
  if (::fsync(sync_fd_) != 0) return Status::IoError(path_ + ": " + std::strerror(errno));
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) return Status::IoError(path_ + ": " + std::strerror(errno));
  committed_ = true;
  return Status::Ok();
}

}  // namespace residency
