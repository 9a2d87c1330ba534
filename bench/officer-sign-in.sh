#!/usr/bin/env bash
# Sourced by the benchmarks that call the officer API: signs a demo officer in through the real login form
# (password + TOTP, as a person would) and sets $cookie to the Cookie header value for wrk and curl.
#   source bench/officer-sign-in.sh; officer_sign_in http://127.0.0.1:PORT dulieu.quocgia "$work"
# Needs the demo accounts (Dinh__Demo__Accounts=true at `dinh db migrate`), curl and python3 (for the TOTP code).
officer_sign_in() {
  local base=$1 login=$2 dir=$3
  local jar="$dir/cookies" token code status
  command -v python3 >/dev/null || { echo "officer_sign_in: python3 is missing (apt-get install -y python3)" >&2; return 1; }
  token=$(curl -sf -c "$jar" -b "$jar" "$base/account/login" \
    | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  [ -n "$token" ] || { echo "officer_sign_in: no login form at $base/account/login" >&2; return 1; }
  # RFC 6238 from the demo staff key (DemoAccounts.StaffTotpKey, published in docs/identity.md).
  code=$(python3 -c 'import base64,hmac,hashlib,struct,time
k = base64.b32decode("DINHDEMOSTAFFTOTPKEY2345")
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))')
  status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "Login=$login" \
    --data-urlencode "password=can-bo-demo-2026" --data-urlencode "code=$code" --data-urlencode "ReturnUrl=" \
    --data-urlencode "__RequestVerificationToken=$token" "$base/account/login")
  [ "$status" = 302 ] || { echo "officer_sign_in: signing in as $login answered $status" >&2; return 1; }
  # Every cookie the browser now holds for the host (the session cookie .Dinh.Account among them).
  cookie=$(awk -F '\t' 'NF >= 7 && $1 !~ /^# / { printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$jar")
  case "$cookie" in *.Dinh.Account=*) ;; *) echo "officer_sign_in: no session cookie after signing in" >&2; return 1 ;; esac
}
