#!/usr/bin/env bash
# Packs MiniAuth.Server, MiniAuth.AspNetCore and MiniAuth.Testing into artifacts/packages, and
# drops their copies from the NuGet cache: the version stays 0.1.0 while the code changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf artifacts/packages
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$cache/miniauth.server/0.1.0" "$cache/miniauth.aspnetcore/0.1.0" "$cache/miniauth.testing/0.1.0"
for project in MiniAuth.csproj clients/dotnet/MiniAuth.AspNetCore clients/dotnet/MiniAuth.Testing; do
  dotnet pack "$project" -o artifacts/packages -v q -nologo
done
