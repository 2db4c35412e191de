// JWT verification: pure checks of signature, algorithm and claims, an issuer's JWKS fetched through
// the outbound guard and cached, and the verdict POST /verify answers with.
export { createVerifyService, type Verdict, type VerifyService } from './verify.service.js';
export { fetchJwks, importJwks, type FetchJwksOptions } from './jwks.js';
export { JWT_REASONS, decodeJwt, isJwtFailure, verifyWithPublicKey, type JwtReason } from './jwt.js';
