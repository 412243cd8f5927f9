#!/usr/bin/env bash
# Build the MSI from a PyInstaller one-folder bundle with msitools (wixl, wixl-heat,
# msibuild): on Linux (tests/test_msi.py, from a stub bundle) and on the Windows runner
# under MSYS2 (.github/workflows/windows.yml).
#   packaging/windows/build-msi.sh BUNDLE OUT.msi
# The version is the bundle's own (its cerecorder-VERSION.dist-info, which the spec copies
# from the package metadata); MSI versions are numbers only, so "1.2.0rc1" gives 1.2.0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 2 ] || { echo "usage: $0 BUNDLE OUT.msi" >&2; exit 2; }
bundle=$(cd "$1" && pwd)
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
for program in cerecorder.exe cerecorder-admin.exe; do
    [ -f "$bundle/$program" ] || { echo "$bundle has no $program" >&2; exit 1; }
done
metadata=$(ls "$bundle"/_internal/cerecorder-*.dist-info/METADATA 2>/dev/null | head -n 1)
[ -n "$metadata" ] || { echo "$bundle has no cerecorder-*.dist-info: see cerecorder.spec" >&2; exit 1; }
version=$(sed -n 's/^Version: //p' "$metadata" | tr -d '\r')
version=${version%%[!0-9.]*}

# MSI property -> component writing it to HKLM\Software\Policies\CE Recorder (cerecorder.wxs)
policy_components="VAULT_LOCATION:PolicyVaultLocation IDLE_LOCK_MINUTES:PolicyIdleLock
SCHOOL_NAME:PolicySchoolName PROTECTIVE_MARKING:PolicyMarking
RECIPIENT_CARD:PolicyRecipientCard OUTBOX_FOLDER:PolicyOutbox"

# D:P protected (no inherited entries); BA administrators and SY SYSTEM full access (FA),
# BU users read and execute (0x1200a9), each for the folder, its subfolders and files (OICI)
policy_folder_sddl="D:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)"

# wixl looks for every File and Icon source relative to the folder it runs in: the
# bundle's parent, which also holds the work folder (on Windows /tmp may be another drive)
cd "$(dirname "$bundle")"
name=$(basename "$bundle")
work=$(mktemp -d "msi.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$here/cerecorder.ico" "$work/cerecorder.ico"
(cd "$name" && find . -type f | sed 's|^\./||' | grep -v -x -e cerecorder.exe -e cerecorder-admin.exe \
    | LC_ALL=C sort) \
    | wixl-heat --prefix "" --directory-ref INSTALLFOLDER --component-group Bundle \
        --var var.BundleDir --win64 > "$work/files.wxs"
wixl --arch x64 -D "Version=$version" -D "BundleDir=$name" -D "IconFile=$work/cerecorder.ico" -D Win64=yes \
    -o "$work/cerecorder.msi" "$here/cerecorder.wxs" "$work/files.wxs"

# What wixl 0.101 has no element for.
queries=()
secure=$(msiinfo export "$work/cerecorder.msi" Property \
    | awk -F '\t' '$1 == "SecureCustomProperties" { print $2 }' | tr -d '\r')
secure="${secure:+$secure;}INSTALLFOLDER"
for pair in $policy_components; do
    property=${pair%%:*} component=${pair#*:}
    queries+=(-q "UPDATE \`Component\` SET \`Condition\` = '$property' WHERE \`Component\` = '$component'")
    secure="$secure;$property"
done
queries+=(-q "UPDATE \`Property\` SET \`Value\` = '$secure' WHERE \`Property\` = 'SecureCustomProperties'")
# INSTALLFOLDER at the end of the system PATH, taken out again at uninstall (cerecorder-admin).
# A newer wixl (MSYS2 has 0.103) may already make the table or schedule the actions.
if ! msiinfo tables "$work/cerecorder.msi" | tr -d '\r' | grep -qx Environment; then
    queries+=(-q "CREATE TABLE \`Environment\` (\`Environment\` CHAR(72) NOT NULL, \`Name\` CHAR(255) NOT NULL LOCALIZABLE, \`Value\` CHAR(255) LOCALIZABLE, \`Component_\` CHAR(72) NOT NULL PRIMARY KEY \`Environment\`)")
fi
queries+=(-q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathEntry', '=-*PATH', '[~];[INSTALLFOLDER]', 'Programs')")
# The policy folder: administrators and SYSTEM full control, users read and run, nothing
# inherited from C:\ProgramData (where users may create files). MsiLockPermissionsEx
# (Windows Installer 5) takes SDDL, so no account name depends on Windows' language.
queries+=(-q "CREATE TABLE \`MsiLockPermissionsEx\` (\`MsiLockPermissionsEx\` CHAR(72) NOT NULL, \`LockObject\` CHAR(72) NOT NULL, \`Table\` CHAR(32) NOT NULL, \`SDDL\` CHAR(0) NOT NULL, \`Condition\` CHAR(255) PRIMARY KEY \`MsiLockPermissionsEx\`)")
queries+=(-q "INSERT INTO \`MsiLockPermissionsEx\` (\`MsiLockPermissionsEx\`, \`LockObject\`, \`Table\`, \`SDDL\`) VALUES ('PolicyFolderAdminsOnly', 'POLICYFOLDER', 'CreateFolder', '$policy_folder_sddl')")
scheduled=$(msiinfo export "$work/cerecorder.msi" InstallExecuteSequence | cut -f 1 | tr -d '\r')
for pair in RemoveEnvironmentStrings:3300 WriteEnvironmentStrings:5200; do
    printf '%s\n' "$scheduled" | grep -qx "${pair%%:*}" \
        || queries+=(-q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('${pair%%:*}', ${pair#*:})")
done
msibuild "$work/cerecorder.msi" "${queries[@]}"
mv "$work/cerecorder.msi" "$out"
echo "$out"
