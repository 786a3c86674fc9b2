# -*- Python -*-
import os
import lit.formats

config.name = "leakguard"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs", "check_leakguard.py", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.leakguard_build_dir, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])

runner = " ".join([
    config.python_executable,
    os.path.join(config.test_source_root, "check_leakguard.py"),
    "--clang-tidy=" + config.clang_tidy,
    "--plugin=" + config.leakguard_plugin,
    "--leakguard=" + config.leakguard_tool,
    "--clangxx=" + config.clangxx,
    "--filecheck=" + os.path.join(config.llvm_tools_dir, "FileCheck"),
    "--runtime-include=" + config.runtime_include,
])
config.substitutions.append(("%check_leakguard", runner))

# leakguard-run is not built against LLVM < 16 (tool/CMakeLists.txt).
if config.leakguard_run_built:
    config.available_features.add("leakguard-run")

# A clang-tidy of another LLVM major version, for the plugin's refusal test.
import glob
import re
built_major = re.search(r"llvm-(\d+)", config.clang_tidy)
for other in sorted(glob.glob("/usr/lib/llvm-*/bin/clang-tidy")):
    major = re.search(r"llvm-(\d+)", other)
    if built_major and major and major.group(1) != built_major.group(1):
        config.available_features.add("other-clang-tidy")
        config.substitutions.append(("%other_clang_tidy", other))
        config.substitutions.append(("%other_llvm_major", major.group(1)))
        config.substitutions.append(("%built_llvm_major", built_major.group(1)))
        break
config.substitutions.append(("%clang_tidy", config.clang_tidy))
config.substitutions.append(("%leakguard_plugin", config.leakguard_plugin))
config.substitutions.append(("%leakguard_run", config.leakguard_run))
config.substitutions.append(("%leakguard", config.leakguard_tool))
config.substitutions.append(("%clangxx", config.clangxx))
config.substitutions.append(("%runtime_include", config.runtime_include))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%source_root", config.leakguard_source_dir))
config.substitutions.append(("%build_root", config.leakguard_build_dir))
