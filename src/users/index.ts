export { createUsersService, type UsersService, type NewUser } from './users.service.js';
export { findUser, insertUser, type User } from './users.repo.js';
