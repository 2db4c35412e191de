export { createUsersService, type UsersService, type NewUser } from './users.service.js';
export { findUser, insertUser, type User } from './users.repo.js';
export { CONTACT_KINDS, type ContactKind, type ContactMethod } from './contact-methods.repo.js';
