// `gtype project FILE [--protocol P] [--role R]`: one `role: type` line per role.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "commands.h"
#include "gtype/print.h"

namespace gtype::cli {

int run_project(const LoadOptions& load, const std::string& file,
                const std::optional<std::string>& protocol_name,
                const std::optional<std::string>& role_name) {
  FrontendResult result;
  if (std::optional<int> failed = analyze_or_report(load, file, result)) return *failed;

  std::vector<const ProtocolProjection*> selected;
  for (const ProtocolProjection& projection : result.projections) {
    if (!protocol_name || projection.protocol->name.text == *protocol_name) selected.push_back(&projection);
  }
  if (protocol_name && selected.empty()) {
    if (report_aux(file, aux_protocols(result.program), *protocol_name)) return kUsage;
    std::cerr << "gtype: " << file << ": no global protocol '" << *protocol_name << "'";
    const char* separator = "; it declares: ";
    for (const ProtocolProjection& projection : result.projections) {
      std::cerr << separator << projection.protocol->name.text;
      separator = ", ";
    }
    std::cerr << '\n';
    return kUsage;
  }
  auto has_role = [&](const ProtocolProjection* projection) {
    for (const RoleProjection& role : projection->roles) {
      if (role.role == *role_name) return true;
    }
    return false;
  };
  if (role_name) {
    // Only the protocols that have the role; it is an error when none has.
    std::erase_if(selected,
                  [&](const ProtocolProjection* projection) { return !has_role(projection); });
    if (selected.empty()) {
      std::cerr << "gtype: " << file << ": no role '" << *role_name << "'";
      if (protocol_name) {
        std::cerr << " in protocol '" << *protocol_name << "'";
        const char* separator = "; its roles are: ";
        for (const ProtocolProjection& projection : result.projections) {
          if (projection.protocol->name.text != *protocol_name) continue;
          for (const Name& role : projection.protocol->roles) {
            std::cerr << separator << role.text;
            separator = ", ";
          }
        }
      } else {
        std::cerr << " in any protocol";
      }
      std::cerr << '\n';
      return kUsage;
    }
  }
  for (const ProtocolProjection* projection : selected) {
    // Several protocols: a comment line names each, which a local system also accepts.
    if (selected.size() > 1) std::cout << "// " << projection->protocol->name.text << '\n';
    for (const RoleProjection& role : projection->roles) {
      if (role_name && role.role != *role_name) continue;
      std::cout << role.role << ": " << print_local_type(*role.type) << '\n';
    }
  }
  return kOk;
}

}  // namespace gtype::cli
