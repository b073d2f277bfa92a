package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Hand-edited plists: each breaks one rule of the contract and must be refused with a message saying which. */
class PlistValidatorTest {
    private static final LaunchdSettings SETTINGS = LaunchDaemonPlistTest.SETTINGS;

    @Test
    void acceptsTheGeneratedPlistAndExplicitlyHarmlessValues() {
        assertDoesNotThrow(() -> check(d -> {}));
        assertDoesNotThrow(() -> check(d -> {
            d.put("UserName", new NSString("root"));
            d.put("KeepAlive", new NSNumber(false));
            d.put("RunAtLoad", new NSNumber(false));
        }));
    }

    @Test
    void rejectsServiceNamesWithoutTheTeamPrefix() {
        assertProblem("lacks the team prefix ABCDE12345.", d -> {
            NSDictionary services = new NSDictionary();
            services.put("com.example.App.HelperApp", new NSNumber(true));
            services.put(SETTINGS.extensionServiceName(), new NSNumber(true));
            d.put("MachServices", services);
        });
    }

    @Test
    void rejectsAMissingOrMistypedMachService() {
        assertProblem("MachServices lacks ABCDE12345.com.example.App.HelperNE", d -> {
            NSDictionary services = new NSDictionary();
            services.put(SETTINGS.appServiceName(), new NSNumber(true));
            d.put("MachServices", services);
        });
        assertProblem(
                "must be the boolean true",
                d -> ((NSDictionary) d.objectForKey("MachServices"))
                        .put(SETTINGS.appServiceName(), new NSString("true")));
        assertProblem("MachServices must be a dictionary", d -> d.put("MachServices", new NSArray(0)));
    }

    @Test
    void rejectsKeysThatDefeatOnDemandStartOrDropRoot() {
        assertProblem("KeepAlive must be absent or false", d -> d.put("KeepAlive", new NSNumber(true)));
        assertProblem("KeepAlive must be absent or false", d -> d.put("KeepAlive", new NSDictionary()));
        assertProblem("RunAtLoad must be absent or false", d -> d.put("RunAtLoad", new NSNumber(true)));
        assertProblem("UserName must be absent or root", d -> d.put("UserName", new NSString("nobody")));
        assertProblem("unexpected key Disabled", d -> d.put("Disabled", new NSNumber(true)));
    }

    @Test
    void rejectsProgramInconsistencies() {
        assertProblem("Program must be an absolute path", d -> {
            d.remove("BundleProgram");
            d.put("Program", new NSString("MacOS/th"));
        });
        assertProblem("BundleProgram must be relative", d -> d.put("BundleProgram", new NSString("/Apps/th")));
        assertProblem("exactly one of Program and BundleProgram", d -> d.put("Program", new NSString("/usr/bin/th")));
        assertProblem(
                "ProgramArguments[0] must be the program",
                d -> d.put(
                        "ProgramArguments",
                        new NSArray(
                                new NSString("Contents/MacOS/other"),
                                new NSString("run"),
                                new NSString("--config"),
                                new NSString("/etc/th.json"))));
        assertProblem(
                "ProgramArguments must be [program, run, --config, <path>] or [program, run, --team-id, T,",
                d -> d.put("ProgramArguments", new NSArray(new NSString("Contents/MacOS/tunnel-helper"))));
        // The daemon derives its Mach services from these flags: another team would listen on other names.
        assertProblem(
                "ProgramArguments must be [Contents/MacOS/tunnel-helper, run, --team-id, ABCDE12345,",
                d -> d.put(
                        "ProgramArguments",
                        new NSArray(
                                new NSString("Contents/MacOS/tunnel-helper"),
                                new NSString("run"),
                                new NSString("--team-id"),
                                new NSString("ZZZZZ99999"),
                                new NSString("--bundle-id"),
                                new NSString("com.example.App"),
                                new NSString("--label"),
                                new NSString("com.example.App.helper"))));
        assertProblem(
                "ProgramArguments must contain only strings",
                d -> d.put("ProgramArguments", new NSArray(new NSNumber(1))));
    }

    @Test
    void rejectsLabelAndBundleMismatches() {
        assertProblem("Label is not reverse-DNS", d -> d.put("Label", new NSString("helper")));
        assertProblem("expected com.example.App.helper", d -> d.put("Label", new NSString("com.other.helper")));
        assertProblem(
                "lacks the app's bundle id",
                d -> d.put("AssociatedBundleIdentifiers", new NSArray(new NSString("com.other.App"))));
        assertProblem("Label must be a string", d -> d.put("Label", new NSNumber(3)));
        assertProblem("StandardErrorPath must be absolute", d -> d.put("StandardErrorPath", new NSString("err.log")));
    }

    @Test
    void rejectsNonPlists() {
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> PlistValidator.validate("not a plist".getBytes(StandardCharsets.UTF_8), SETTINGS));
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> PlistValidator.validate(
                        new NSArray(new NSString("x")).toXMLPropertyList().getBytes(StandardCharsets.UTF_8), SETTINGS));
    }

    private static void assertProblem(String expected, Consumer<NSDictionary> edit) {
        InvalidServiceDefinitionException e = assertThrows(InvalidServiceDefinitionException.class, () -> check(edit));
        assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in: " + e.getMessage());
    }

    private static void check(Consumer<NSDictionary> edit) {
        NSDictionary dict = new LaunchDaemonPlist(
                        SETTINGS, DaemonProgram.inBundle("Contents/MacOS/tunnel-helper"), LaunchDaemonPlistTest.CONFIG)
                .toDictionary();
        edit.accept(dict);
        PlistValidator.validate(dict.toXMLPropertyList().getBytes(StandardCharsets.UTF_8), SETTINGS);
    }
}
