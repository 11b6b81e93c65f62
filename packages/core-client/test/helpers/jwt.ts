/** An unsecured JWS (alg none) with these claims, the kind Kafka's development OAUTHBEARER validator accepts. */
export function unsecuredJwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}
