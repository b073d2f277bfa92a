/*
 * Static code-signature validation through the Security framework. The prototypes are
 * declared here instead of including <Security/Security.h> because the cross-compiling
 * SDK (zig) ships no framework headers; the types are opaque pointers either way.
 */
#ifdef __APPLE__
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef int32_t OSStatus;
typedef uint32_t SecCSFlags;
typedef unsigned char Boolean;
typedef long CFIndex;
typedef unsigned long CFTypeID;
typedef uint32_t CFStringEncoding;
typedef const void *CFTypeRef;
typedef const struct __CFAllocator *CFAllocatorRef;
typedef const struct __CFString *CFStringRef;
typedef const struct __CFURL *CFURLRef;
typedef const struct __CFDictionary *CFDictionaryRef;
typedef struct __CFError *CFErrorRef;
typedef const struct __SecCode *SecStaticCodeRef;
typedef struct __SecRequirement *SecRequirementRef;

#define kCFStringEncodingUTF8 ((CFStringEncoding)0x08000100)
#define kSecCSDefaultFlags ((SecCSFlags)0)
#define kSecCSCheckAllArchitectures ((SecCSFlags)(1u << 0))
#define kSecCSSigningInformation ((SecCSFlags)(1u << 1))
#define kSecCSStrictValidate ((SecCSFlags)(1u << 4))
#define errSecSuccess 0

extern CFURLRef CFURLCreateFromFileSystemRepresentation(CFAllocatorRef, const uint8_t *, CFIndex, Boolean);
extern CFStringRef CFStringCreateWithCString(CFAllocatorRef, const char *, CFStringEncoding);
extern Boolean CFStringGetCString(CFStringRef, char *, CFIndex, CFStringEncoding);
extern const void *CFDictionaryGetValue(CFDictionaryRef, const void *);
extern CFTypeID CFGetTypeID(CFTypeRef);
extern CFTypeID CFStringGetTypeID(void);
extern void CFRelease(CFTypeRef);
extern CFStringRef CFErrorCopyDescription(CFErrorRef);

extern OSStatus SecStaticCodeCreateWithPath(CFURLRef, SecCSFlags, SecStaticCodeRef *);
extern OSStatus SecRequirementCreateWithStringAndErrors(CFStringRef, SecCSFlags, CFErrorRef *, SecRequirementRef *);
extern OSStatus SecStaticCodeCheckValidityWithErrors(SecStaticCodeRef, SecCSFlags, SecRequirementRef, CFErrorRef *);
extern OSStatus SecCodeCopySigningInformation(SecStaticCodeRef, SecCSFlags, CFDictionaryRef *);
extern CFStringRef SecCopyErrorMessageString(OSStatus, void *);
extern const CFStringRef kSecCodeInfoIdentifier;
extern const CFStringRef kSecCodeInfoTeamIdentifier;

static void copy_cfstring(CFStringRef s, char *out, size_t out_len) {
    if (out == NULL || out_len == 0) return;
    out[0] = '\0';
    if (s == NULL || CFGetTypeID(s) != CFStringGetTypeID()) return;
    if (!CFStringGetCString(s, out, (CFIndex)out_len, kCFStringEncodingUTF8)) out[0] = '\0';
}

/* Prefers the CFError description (it names the failing requirement clause). */
static void describe(const char *what, OSStatus status, CFErrorRef error, char *err, size_t errlen) {
    char text[512] = "";
    CFStringRef desc = NULL;
    if (error != NULL) desc = CFErrorCopyDescription(error);
    if (desc == NULL) desc = SecCopyErrorMessageString(status, NULL);
    if (desc != NULL) {
        copy_cfstring(desc, text, sizeof text);
        CFRelease(desc);
    }
    if (err != NULL && errlen > 0) snprintf(err, errlen, "%s: %s (OSStatus %d)", what, text[0] ? text : "unknown error", (int)status);
}

int th_codesign_check(const char *path, const char *requirement, char *ident_out, size_t ident_len,
                      char *team_out, size_t team_len, char *err, size_t errlen) {
    if (ident_out != NULL && ident_len > 0) ident_out[0] = '\0';
    if (team_out != NULL && team_len > 0) team_out[0] = '\0';
    if (path == NULL || requirement == NULL) return th_fail(err, errlen, EINVAL, "path and requirement are required");
    if (access(path, R_OK) != 0) return th_fail(err, errlen, errno, "cannot read %s", path);

    int result = -EIO;
    CFURLRef url = NULL;
    CFStringRef req_text = NULL;
    SecStaticCodeRef code = NULL;
    SecRequirementRef req = NULL;
    CFDictionaryRef info = NULL;
    CFErrorRef error = NULL;

    url = CFURLCreateFromFileSystemRepresentation(NULL, (const uint8_t *)path, (CFIndex)strlen(path), 0);
    req_text = CFStringCreateWithCString(NULL, requirement, kCFStringEncodingUTF8);
    if (url == NULL || req_text == NULL) {
        result = th_fail(err, errlen, ENOMEM, "CoreFoundation allocation");
        goto done;
    }
    OSStatus st = SecRequirementCreateWithStringAndErrors(req_text, kSecCSDefaultFlags, &error, &req);
    if (st != errSecSuccess) {
        describe("invalid requirement", st, error, err, errlen);
        result = -EINVAL;
        goto done;
    }
    st = SecStaticCodeCreateWithPath(url, kSecCSDefaultFlags, &code);
    if (st != errSecSuccess) {
        describe("SecStaticCodeCreateWithPath", st, NULL, err, errlen);
        result = 0;
        goto done;
    }
    st = SecCodeCopySigningInformation(code, kSecCSSigningInformation, &info);
    if (st == errSecSuccess && info != NULL) {
        copy_cfstring(CFDictionaryGetValue(info, kSecCodeInfoIdentifier), ident_out, ident_len);
        copy_cfstring(CFDictionaryGetValue(info, kSecCodeInfoTeamIdentifier), team_out, team_len);
    }
    st = SecStaticCodeCheckValidityWithErrors(code, kSecCSCheckAllArchitectures | kSecCSStrictValidate, req, &error);
    if (st != errSecSuccess) {
        describe("signature check failed", st, error, err, errlen);
        result = 0;
        goto done;
    }
    result = 1;

done:
    if (error != NULL) CFRelease(error);
    if (info != NULL) CFRelease(info);
    if (req != NULL) CFRelease(req);
    if (code != NULL) CFRelease(code);
    if (req_text != NULL) CFRelease(req_text);
    if (url != NULL) CFRelease(url);
    return result;
}
#endif
