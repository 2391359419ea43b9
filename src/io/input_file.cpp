#include "genepool/io/input_file.hpp"

#include "genepool/error.hpp"

namespace genepool {

namespace fs = std::filesystem;

std::string file_kind(const fs::file_status& status) {
  switch (status.type()) {
    case fs::file_type::regular: return "a regular file";
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::symlink: return "a symbolic link";
    case fs::file_type::not_found: return "missing";
    default: return "not a regular file";
  }
}

void check_input_file(const fs::path& path, const std::string& expected) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_regular_file(status)) return;
  const std::string name = path.string();
  if (!fs::exists(status)) throw IoError(name + ": no such file; expected " + expected);
  if (fs::is_directory(status)) throw IoError(name + ": is a directory; expected " + expected);
  throw IoError(name + ": is " + file_kind(status) + ", not a regular file; expected " + expected);
}

}  // namespace genepool
