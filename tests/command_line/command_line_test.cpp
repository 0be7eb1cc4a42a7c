// The command-line conventions of gtype and c12s (gtype/command_line.h) on an App of their
// shape, and the spelling suggestions they share with the front end (gtype/spelling.h); then
// the gtype binary's own command line: --version, exit codes, completion, manual page.
#include "gtype/command_line.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gtype/spelling.h"

namespace gtype::command_line {
namespace {

TEST(Spelling, SwapsAreOneEdit) {
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);
  EXPECT_EQ(edit_distance("chekc", "check"), 1u);
  EXPECT_EQ(edit_distance("sever", "server"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
}

TEST(Spelling, SuggestsOnlyWhatIsClose) {
  const std::vector<std::string> commands{"query", "mutate", "list", "logs"};
  EXPECT_EQ(closest_spelling("lsit", commands), "list");
  EXPECT_EQ(closest_spelling("LIST", commands), "list");  // case alone differs
  EXPECT_EQ(closest_spelling("frobnicate", commands), "");
  EXPECT_EQ(closest_spelling("list", commands), "");  // itself: nothing to suggest
  EXPECT_EQ(closest_spelling("--detial", {"--detail", "--json"}), "--detail");
  EXPECT_EQ(closest_spelling("a", {"b"}), "");
}

// An App shaped like c12s: commands, a nested one, options with defaults and choices.
struct Program {
  CLI::App app{"prog: a test program", "prog"};
  bool detail = false;
  int timeout = 5000;
  std::string level = "info";
  std::string task;
  CLI::App* list = app.add_subcommand("list", "list things");
  CLI::App* logs = app.add_subcommand("logs", "read logs");
  CLI::App* logs_get = logs->add_subcommand("get", "a task's records");

  Program() {
    app.require_subcommand(1);
    logs->require_subcommand(1);
    list->add_flag("--detail", detail, "every detail");
    list->add_option("--timeout", timeout, "milliseconds");
    list->add_option("--log-level", level, "the level")->check(CLI::IsMember({"debug", "info"}));
    logs_get->add_option("TASK", task, "the task")->required();
  }

  // parse() on `args`: its exit code (-1: run the command), standard output and error.
  struct Result {
    int exit = -1;
    std::string out, err;
  };
  Result run(std::vector<std::string> args) {
    args.insert(args.begin(), "prog");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    const std::optional<int> done = parse(app, static_cast<int>(argv.size()), argv.data(), {});
    Result result{done.value_or(-1), testing::internal::GetCapturedStdout(),
                  testing::internal::GetCapturedStderr()};
    return result;
  }
};

constexpr const char* kHint = "\nRun 'prog --help' for more information.\n";

TEST(CommandLine, MisspelledCommandsAndOptionsGetASuggestion) {
  EXPECT_EQ(Program().run({"lsit"}).err,
            "prog: unknown command 'lsit'; did you mean 'list'?" + std::string(kHint));
  EXPECT_EQ(Program().run({"logs", "gte", "t"}).err,
            "prog: unknown command 'logs gte'; did you mean 'logs get'?" + std::string(kHint));
  Program::Result option = Program().run({"list", "--detial"});
  EXPECT_EQ(option.exit, kUsage);
  EXPECT_EQ(option.err,
            "prog: unknown option '--detial' for 'list'; did you mean '--detail'?" + std::string(kHint));
  EXPECT_EQ(Program().run({"list", "--timout=3"}).err,
            "prog: unknown option '--timout' for 'list'; did you mean '--timeout'?" + std::string(kHint));
}

TEST(CommandLine, WhatIsNotCloseIsNamedWithTheChoices) {
  Program::Result unknown = Program().run({"frobnicate"});
  EXPECT_EQ(unknown.exit, kUsage);
  EXPECT_EQ(unknown.err, "prog: unknown command 'frobnicate'; the commands are: list, logs, completion" +
                             std::string(kHint));
  EXPECT_EQ(Program().run({}).err,
            "prog: a command is required; the commands are: list, logs, completion" + std::string(kHint));
  EXPECT_EQ(Program().run({"logs"}).err,
            "prog: a command is required after 'logs'; the commands are: get" + std::string(kHint));
  EXPECT_EQ(Program().run({"list", "--bogus"}).err,
            "prog: unknown option '--bogus' for 'list'" + std::string(kHint));
  EXPECT_EQ(Program().run({"list", "extra"}).err,
            "prog: the following argument was not expected: extra" + std::string(kHint));
}

TEST(CommandLine, EveryUsageErrorExitsWithTwo) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"lsit"},
                                             {"list", "--bogus"},
                                             {"logs", "get"},
                                             {"list", "--timeout", "x"},
                                             {"list", "--log-level", "loud"},
                                             {"--bogus"},
                                             {"completion", "fish"}}) {
    Program::Result result = Program().run(args);
    EXPECT_EQ(result.exit, kUsage) << result.err;
    EXPECT_EQ(result.err.rfind("prog: ", 0), 0u) << result.err;
    EXPECT_EQ(result.out, "");
  }
  EXPECT_EQ(Program().run({"logs", "get"}).err, "prog: TASK is required" + std::string(kHint));
}

TEST(CommandLine, HelpAndVersionAreSuccess) {
  Program::Result version = Program().run({"--version"});
  EXPECT_EQ(version.exit, 0);
  EXPECT_EQ(version.out, "prog " + std::string(project_version()) + "\n");
  Program::Result help = Program().run({"list", "--help"});
  EXPECT_EQ(help.exit, 0);
  EXPECT_NE(help.out.find("--timeout INT=5000"), std::string::npos) << help.out;  // defaults shown
  EXPECT_NE(help.out.find("=info"), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("--detail{false}"), std::string::npos) << help.out;  // not for flags
  Program program;
  EXPECT_EQ(program.run({"list", "--detail"}).exit, -1);
  EXPECT_TRUE(program.detail);
  EXPECT_EQ(parsed_command(program.app), "list");
  Program nested;
  EXPECT_EQ(nested.run({"logs", "get", "t1"}).exit, -1);
  EXPECT_EQ(parsed_command(nested.app), "logs get");
}

// Runs `script` with bash; its standard output.
std::string bash(const std::string& script) {
  const std::string path = testing::TempDir() + "command_line_test.sh";
  std::ofstream(path) << script;
  std::string out;
  FILE* pipe = popen(("bash " + path + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer{};
  while (pipe != nullptr && std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  if (pipe != nullptr) pclose(pipe);
  return out;
}

TEST(CommandLine, CompletionFollowsCommandsAndSkipsValues) {
  Program program;
  Program::Result script = program.run({"completion", "bash"});
  ASSERT_EQ(script.exit, 0) << script.err;
  const std::string out = bash(script.out +
                               "complete -p prog\n"
                               "echo \"1: $(_prog_next)\"\n"
                               "echo \"2: $(_prog_next logs)\"\n"
                               "echo \"3: $(_prog_next list --timeout)\"\n"
                               "echo \"4: $(_prog_next list --log-level)\"\n"
                               "echo \"5: $(_prog_next list --timeout list)\"\n"
                               "COMP_WORDS=(prog li); COMP_CWORD=1; _prog; echo \"6: ${COMPREPLY[*]}\"\n");
  EXPECT_EQ(out,
            "complete -o default -F _prog prog\n"
            "1: list logs completion -h --help --version\n"
            "2: get -h --help\n"
            "3: \n"  // a free value: file names
            "4: debug info\n"
            "5: -h --help --detail --timeout --log-level\n"  // "list" was --timeout's value
            "6: list\n");
}

TEST(CommandLine, ManualPageIsValidRoff) {
  Program program;
  program.list->footer("a footer with a \\backslash\n.and a line that starts with a dot");
  Program::Result page = program.run({"--man-page"});
  ASSERT_EQ(page.exit, 0) << page.err;
  EXPECT_NE(page.out.find(".TH PROG 1"), std::string::npos);
  EXPECT_NE(page.out.find(".SS \"prog logs get\""), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("\\fB\\-\\-timeout\\fR \\fIINT\\fR\nmilliseconds (default: 5000)"),
            std::string::npos)
      << page.out;
  const std::string path = testing::TempDir() + "prog.1";
  std::ofstream(path) << page.out;
  // groff's warnings (-ww) go to standard error: none.
  EXPECT_EQ(bash("groff -man -ww -z " + path + "\n"), "");
  const std::string text = bash("MANWIDTH=200 man -l " + path + " 2>&1 | col -b\n");
  EXPECT_NE(text.find("a footer with a \\backslash"), std::string::npos) << text;
  EXPECT_NE(text.find(".and a line that starts with a dot"), std::string::npos) << text;
}

// The gtype binary follows them: its version, its suggestions, its exit codes.
TEST(GtypeCommand, FollowsTheConventions) {
  auto gtype = [](const std::string& args) {
    return bash(std::string("'") + GTYPE_BINARY + "' " + args + "; echo \"exit=$?\"\n");
  };
  EXPECT_EQ(gtype("--version"), "gtype " + std::string(project_version()) + "\nexit=0\n");
  EXPECT_EQ(gtype("chekc x.gtype"),
            "gtype: unknown command 'chekc'; did you mean 'check'?\nRun 'gtype --help' for more "
            "information.\nexit=2\n");
  EXPECT_NE(gtype("verify --help").find("--bound UINT:NUMBER=1 "), std::string::npos);
  EXPECT_EQ(bash("source <('" + std::string(GTYPE_BINARY) + "' completion bash) && complete -p gtype\n"),
            "complete -o default -F _gtype gtype\n");
}

// On a terminal (a pseudo-terminal from script(1)), `gtype verify` shows a progress line every
// second on standard error and clears it before the verdict; --quiet shows none (issue 14).
// Off a terminal it never shows one: the golden tests capture standard error.
TEST(GtypeCommand, VerifyShowsAProgressLineOnATerminalOnly) {
  if (bash("command -v script >/dev/null && echo yes\n") != "yes\n") GTEST_SKIP() << "no script(1) here";
  // A hub and 13 workers: without reduction, about 1.6 million configurations, over a second to
  // explore (with it, a hundred).
  std::string model = "local system Fanout {\nhub : ";
  for (int i = 1; i <= 13; ++i) model += "w" + std::to_string(i) + "!task().";
  for (int i = 1; i <= 13; ++i) model += "w" + std::to_string(i) + "?result().";
  model += "end;\n";
  for (int i = 1; i <= 13; ++i) model += "w" + std::to_string(i) + " : hub?task().hub!result().end;\n";
  model += "}\n";
  const std::string file = testing::TempDir() + "progress_fanout.gtype";
  std::ofstream(file) << model;
  auto on_terminal = [&](const std::string& flags) {
    return bash("script -qec \"'" + std::string(GTYPE_BINARY) + "' verify '" + file +
                "' --no-timing --no-reduction " + flags + "\" /dev/null\n");
  };
  const std::string shown = on_terminal("");
  EXPECT_NE(shown.find(" states/s, "), std::string::npos) << shown;
  EXPECT_NE(shown.find("\r\x1b[K" + file + ": Fanout: verified"), std::string::npos)
      << shown;  // cleared first
  const std::string quiet = on_terminal("--quiet");
  EXPECT_EQ(quiet.find("states/s"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find(": Fanout: verified"), std::string::npos) << quiet;
}

}  // namespace
}  // namespace gtype::command_line
