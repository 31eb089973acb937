#!/usr/bin/env python3
"""Runs the black-box API suite: every tests/api/test_*.py, against the binary
named by REXIAN_BIN (default build/asan/rexian).

Prints unittest's verbose report, then exactly one final line
    api: N passed, N failed[, N skipped]
where failed counts failures, errors (class set-up and tear-down included) and
tests that never ran because their class could not start. Exit status 1 if
anything failed, else 0.

    tests/api/run.py                 # everything
    tests/api/run.py test_lists      # only some modules (or Module.Class)
"""

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class CountingResult(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed = []
        self.durations_s = {}
        self._t0 = None

    def startTest(self, test):
        self._t0 = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        if self._t0 is not None:
            self.durations_s[test.id()] = time.monotonic() - self._t0

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.append(test)


def ids(suite):
    out = []
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            out += ids(t)
        else:
            out.append(t.id())
    return out


def main(argv):
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    all_ids = ids(suite)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=CountingResult)
    result = runner.run(suite)

    accounted = {t.id() for t in result.passed}
    accounted |= {t.id() for t, _ in result.skipped}
    bad_tests = {t.id() for t, _ in result.failures + result.errors}
    bad_tests |= {t.id() for t in result.unexpectedSuccesses}
    accounted |= {t.id() for t, _ in result.expectedFailures}
    # Tests that never ran (their class's setUpClass failed).
    never_ran = [i for i in all_ids if i not in accounted and i not in bad_tests]
    failed = (len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
              + len(never_ran))
    passed = len(result.passed)
    skipped = len(result.skipped)
    slow = sorted(result.durations_s.items(), key=lambda kv: -kv[1])[:5]
    if slow:
        print("slowest: " + ", ".join("%s %.1fs" % (k.split(".", 1)[1], v) for k, v in slow))
    if never_ran:
        print("not run (class set-up failed): %d" % len(never_ran))
        for i in never_ran:
            print("  " + i)
    line = "api: %d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    sys.stdout.flush()
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
