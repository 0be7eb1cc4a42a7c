// Status texts, and the one rule of cluster paths.
#include "c12s/store/status.h"

#include "c12s/model/labels.h"
#include "c12s/store/cluster_path.h"

namespace c12s::store {

const char* status_code_name(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kNotFound:
      return "not found";
    case Status::Code::kRejected:
      return "rejected";
    case Status::Code::kStorage:
      return "storage error";
    case Status::Code::kCorruption:
      return "corruption";
  }
  return "?";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

bool ClusterPath::valid() const {
  return model::is_name(topology) && model::is_name(region) && model::is_name(cluster);
}

}  // namespace c12s::store
