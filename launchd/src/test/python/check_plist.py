#!/usr/bin/env python3
"""Independent check of the LaunchDaemon plists the Java code generates, with Python's plistlib.

Usage: check_plist.py DIR

DIR holds NAME.plist files and, next to each, NAME.expect.json with the settings it was generated
from ({"teamId", "bundleId", "label", "programKey", "program", "config", optional log paths}).
The JUnit test PlistlibCrossCheckTest writes them to launchd/target/generated-plists.
A second parser catches what a round trip through the same library cannot: output only dd-plist
understands. Each file is also re-checked with a known defect injected, so the checker itself is
shown to fail when it should. Exits non-zero on any problem.
"""
import copy
import json
import pathlib
import plistlib
import sys

ALLOWED = {"Label", "Program", "BundleProgram", "ProgramArguments", "MachServices",
           "AssociatedBundleIdentifiers", "StandardOutPath", "StandardErrorPath"}


def problems(plist, expect):
    found = []

    def want(cond, message):
        if not cond:
            found.append(message)

    want(isinstance(plist, dict), "root is not a dict")
    if not isinstance(plist, dict):
        return found
    extra = set(plist) - ALLOWED
    want(not extra, f"unexpected keys {sorted(extra)}")
    for key in ("KeepAlive", "RunAtLoad", "UserName"):
        want(key not in plist, f"{key} must not be present")
    want(plist.get("Label") == expect["label"], f"Label {plist.get('Label')!r} != {expect['label']!r}")
    key = expect["programKey"]
    other = "BundleProgram" if key == "Program" else "Program"
    want(other not in plist, f"both Program and BundleProgram present")
    program = plist.get(key)
    want(isinstance(program, str) and program == expect["program"], f"{key} {program!r} != {expect['program']!r}")
    if isinstance(program, str):
        want(program.startswith("/") == (key == "Program"),
             f"{key} {program!r}: Program must be absolute, BundleProgram relative")
    args = plist.get("ProgramArguments")
    want(args == [expect["program"], "run", "--config", expect["config"]], f"ProgramArguments {args!r}")
    services = plist.get("MachServices")
    names = {f"{expect['teamId']}.{expect['bundleId']}.HelperApp", f"{expect['teamId']}.{expect['bundleId']}.HelperNE"}
    want(isinstance(services, dict) and set(services) == names, f"MachServices {services!r} != {sorted(names)}")
    if isinstance(services, dict):
        for name, value in services.items():
            want(value is True, f"MachServices[{name!r}] is {value!r}, not the boolean true")
            want(name.startswith(expect["teamId"] + "."), f"service {name!r} lacks the team prefix")
    bundles = plist.get("AssociatedBundleIdentifiers")
    want(bundles == [expect["bundleId"]], f"AssociatedBundleIdentifiers {bundles!r}")
    for log_key, expect_key in (("StandardOutPath", "standardOutPath"), ("StandardErrorPath", "standardErrorPath")):
        want(plist.get(log_key) == expect.get(expect_key), f"{log_key} {plist.get(log_key)!r}")
    return found


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    directory = pathlib.Path(argv[1])
    files = sorted(directory.glob("*.plist"))
    if not files:
        print(f"check_plist: no .plist files in {directory} (run the launchd tests first)", file=sys.stderr)
        return 1
    failed = False
    for path in files:
        expect = json.loads(path.with_suffix(".expect.json").read_text())
        with path.open("rb") as f:
            if not f.read(6) == b"<?xml ":
                print(f"{path}: not an XML plist", file=sys.stderr)
                failed = True
                continue
        with path.open("rb") as f:
            plist = plistlib.load(f, fmt=plistlib.FMT_XML)
        found = problems(plist, expect)
        for p in found:
            print(f"{path}: {p}", file=sys.stderr)
        failed |= bool(found)
        broken = copy.deepcopy(plist)
        broken["MachServices"] = {k.split(".", 1)[1]: v for k, v in broken["MachServices"].items()}
        if not problems(broken, expect):
            print(f"{path}: checker did not notice service names without the team prefix", file=sys.stderr)
            failed = True
        if not found:
            print(f"{path}: ok ({len(plist)} keys)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
