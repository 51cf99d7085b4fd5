/** Where a secret shows up in the text scanned, if anywhere: one line per hit, for the failure message. */
export function findSecrets(texts: Iterable<string>, secrets: string[]): string[] {
  const hits: string[] = []
  const wanted = secrets.filter((s) => s.length >= 4)
  for (const text of texts) {
    for (const secret of wanted)
      if (text.includes(secret)) hits.push(`${secret.slice(0, 12)}… in ${text.slice(0, 300)}`)
    if (/whsec_[A-Za-z0-9]/.test(text)) hits.push(`a webhook secret in ${text.slice(0, 300)}`)
  }
  return hits
}
