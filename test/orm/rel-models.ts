/**
 * Models with relationships, for suites that write them: the seeds' examples (000: User, Order,
 * OrderItem with cascade "all, delete-orphan", the user_roles many-to-many, the Enrollment
 * association object between Student and Course; 001: addresses with ON DELETE CASCADE, the
 * lazy="dynamic" orders), plus an adjacency list (Node), a one-to-one (Profile), a one-to-many
 * without delete cascade (Team/Player), one with `passiveDeletes: "all"` (Shelf/Book), a
 * write-only collection (Blog/Post) and two classes that reference each other (Person/Car,
 * with postUpdate on one side).
 *
 * Every table is prefixed `rf_`; suites create and drop them with `ormSuite(…, Base.metadata, …)`.
 */
import {
  Boolean as Bool,
  Column,
  DateTime,
  ForeignKey,
  func,
  Integer,
  String as Str,
  Table,
} from "../../src/index.js";
import {
  declarativeBase,
  mappedColumn,
  relationship,
  type DynamicCollection,
  type WriteOnlyCollection,
} from "../../src/orm/index.js";

export const Base = declarativeBase();

/**
 * What the models' constructors take: any attribute, relationships included. The type
 * `Base.model()` gives constructors lists columns only (NOT NULL ones required), while here
 * relationships fill the foreign keys, so each model declares its constructor with this.
 */
export type Init<T> = { [K in keyof T as T[K] extends (...args: any) => any ? never : K]?: T[K] };

/** Seed 000's `user_roles` association table. */
export const userRoles = new Table("rf_user_roles", Base.metadata, {
  userId: Column(Integer, { name: "user_id", foreignKey: "rf_users.id", primaryKey: true }),
  roleId: Column(Integer, { name: "role_id", foreignKey: "rf_roles.id", primaryKey: true }),
});

export class User extends Base.model("rf_users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  username: mappedColumn(Str(50), { unique: true }),
}) {
  constructor(init: Init<User> = {}) {
    super(init as never);
  }
  static orders = relationship(() => Order, {
    backPopulates: "user",
    cascade: "all, delete-orphan",
    orderBy: () => Order.id,
  });
  declare orders: Order[];
  static roles = relationship(() => Role, { secondary: userRoles, backPopulates: "users", lazy: "selectin" });
  declare roles: Role[];
  /** Seed 001: ON DELETE CASCADE in the schema, so deleting a user needn't load them. */
  static addresses = relationship(() => Address, {
    backPopulates: "user",
    cascade: "all, delete-orphan",
    passiveDeletes: true,
  });
  declare addresses: Address[];
  static profile = relationship(() => Profile, {
    backPopulates: "user",
    uselist: false,
    cascade: "all, delete-orphan",
  });
  declare profile: Profile | null;
}

export class Order extends Base.model("rf_orders", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, { name: "user_id", foreignKey: "rf_users.id" }),
  status: mappedColumn(Str(20), { default: "pending" }),
}) {
  constructor(init: Init<Order> = {}) {
    super(init as never);
  }
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
  static items = relationship(() => OrderItem, {
    backPopulates: "order",
    cascade: "all, delete-orphan",
    orderBy: () => OrderItem.id,
  });
  declare items: OrderItem[];
}

export class Product extends Base.model("rf_products", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Product> = {}) {
    super(init as never);
  }
}

export class OrderItem extends Base.model("rf_order_items", {
  id: mappedColumn(Integer, { primaryKey: true }),
  orderId: mappedColumn(Integer, {
    name: "order_id",
    foreignKey: ForeignKey("rf_orders.id", { ondelete: "CASCADE" }),
  }),
  productId: mappedColumn(Integer, { name: "product_id", foreignKey: "rf_products.id", nullable: true }),
  quantity: mappedColumn(Integer),
}) {
  constructor(init: Init<OrderItem> = {}) {
    super(init as never);
  }
  static order = relationship(() => Order, { backPopulates: "items" });
  declare order: Order;
  static product = relationship(() => Product);
  declare product: Product | null;
}

export class Role extends Base.model("rf_roles", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50), { unique: true }),
}) {
  constructor(init: Init<Role> = {}) {
    super(init as never);
  }
  static users = relationship(() => User, { secondary: userRoles, backPopulates: "roles" });
  declare users: User[];
}

export class Address extends Base.model("rf_addresses", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, {
    name: "user_id",
    foreignKey: ForeignKey("rf_users.id", { ondelete: "CASCADE" }),
  }),
  street: mappedColumn(Str(100)),
}) {
  constructor(init: Init<Address> = {}) {
    super(init as never);
  }
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

export class Profile extends Base.model("rf_profiles", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, { name: "user_id", foreignKey: "rf_users.id", nullable: true }),
  bio: mappedColumn(Str(100)),
}) {
  constructor(init: Init<Profile> = {}) {
    super(init as never);
  }
  static user = relationship(() => User, { backPopulates: "profile" });
  declare user: User | null;
}

export class Student extends Base.model("rf_students", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(100)),
}) {
  constructor(init: Init<Student> = {}) {
    super(init as never);
  }
  static enrollments = relationship(() => Enrollment, {
    backPopulates: "student",
    cascade: "all, delete-orphan",
  });
  declare enrollments: Enrollment[];
}

export class Course extends Base.model("rf_courses", {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(Str(200)),
}) {
  constructor(init: Init<Course> = {}) {
    super(init as never);
  }
  static enrollments = relationship(() => Enrollment, {
    backPopulates: "course",
    cascade: "all, delete-orphan",
  });
  declare enrollments: Enrollment[];
}

/** Seed 000's association object: a composite primary key of two foreign keys, and attributes of its own. */
export class Enrollment extends Base.model("rf_enrollments", {
  studentId: mappedColumn(Integer, { name: "student_id", foreignKey: "rf_students.id", primaryKey: true }),
  courseId: mappedColumn(Integer, { name: "course_id", foreignKey: "rf_courses.id", primaryKey: true }),
  enrolledAt: mappedColumn(DateTime, { name: "enrolled_at", serverDefault: func.now() }),
  grade: mappedColumn(Integer, { nullable: true }),
  completed: mappedColumn(Bool, { default: false }),
}) {
  constructor(init: Init<Enrollment> = {}) {
    super(init as never);
  }
  static student = relationship(() => Student, { backPopulates: "enrollments" });
  declare student: Student;
  static course = relationship(() => Course, { backPopulates: "enrollments" });
  declare course: Course;
}

/** An adjacency list (SQLAlchemy's `Node` example). */
export class Node extends Base.model("rf_nodes", {
  id: mappedColumn(Integer, { primaryKey: true }),
  parentId: mappedColumn(Integer, { name: "parent_id", foreignKey: "rf_nodes.id", nullable: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Node> = {}) {
    super(init as never);
  }
  static parent = relationship(() => Node, { remoteSide: () => [Node.id], backPopulates: "children" });
  declare parent: Node | null;
  static children = relationship(() => Node, {
    backPopulates: "parent",
    cascade: "all, delete-orphan",
    orderBy: () => Node.id,
  });
  declare children: Node[];
}

/** One-to-many with the default cascade: a deleted team's players lose their team. */
export class Team extends Base.model("rf_teams", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Team> = {}) {
    super(init as never);
  }
  static players = relationship(() => Player, { backPopulates: "team", orderBy: () => Player.id });
  declare players: Player[];
}

export class Player extends Base.model("rf_players", {
  id: mappedColumn(Integer, { primaryKey: true }),
  teamId: mappedColumn(Integer, { name: "team_id", foreignKey: "rf_teams.id", nullable: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Player> = {}) {
    super(init as never);
  }
  static team = relationship(() => Team, { backPopulates: "players" });
  declare team: Team | null;
}

/** `passiveDeletes: "all"`: the database sets the books' shelf to NULL; the ORM touches none of them. */
export class Shelf extends Base.model("rf_shelves", {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Shelf> = {}) {
    super(init as never);
  }
  static books = relationship(() => Book, { backPopulates: "shelf", passiveDeletes: "all" });
  declare books: Book[];
}

export class Book extends Base.model("rf_books", {
  id: mappedColumn(Integer, { primaryKey: true }),
  shelfId: mappedColumn(Integer, {
    name: "shelf_id",
    foreignKey: ForeignKey("rf_shelves.id", { ondelete: "SET NULL" }),
    nullable: true,
  }),
  title: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Book> = {}) {
    super(init as never);
  }
  static shelf = relationship(() => Shelf, { backPopulates: "books" });
  declare shelf: Shelf | null;
}

/** A collection too large to load: write-only, rows removed by the database with the blog. */
export class Blog extends Base.model("rf_blogs", {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Blog> = {}) {
    super(init as never);
  }
  static posts = relationship(() => Post, {
    lazy: "writeOnly",
    cascade: "all, delete-orphan",
    passiveDeletes: true,
  });
  declare posts: WriteOnlyCollection<Post>;
}

export class Post extends Base.model("rf_posts", {
  id: mappedColumn(Integer, { primaryKey: true }),
  blogId: mappedColumn(Integer, {
    name: "blog_id",
    foreignKey: ForeignKey("rf_blogs.id", { ondelete: "CASCADE" }),
  }),
  title: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Post> = {}) {
    super(init as never);
  }
}

/** Seed 001's `orders = relationship("Order", back_populates="user", lazy="dynamic")`, without cascade. */
export class Customer extends Base.model("rf_customers", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Customer> = {}) {
    super(init as never);
  }
  static invoices = relationship(() => Invoice, { lazy: "dynamic", backPopulates: "customer" });
  declare invoices: DynamicCollection<Invoice>;
}

export class Invoice extends Base.model("rf_invoices", {
  id: mappedColumn(Integer, { primaryKey: true }),
  customerId: mappedColumn(Integer, { name: "customer_id", foreignKey: "rf_customers.id", nullable: true }),
  amount: mappedColumn(Integer),
}) {
  constructor(init: Init<Invoice> = {}) {
    super(init as never);
  }
  static customer = relationship(() => Customer, { backPopulates: "invoices" });
  declare customer: Customer | null;
}

/** Rows referencing each other: a person's car, and the car's owner (postUpdate breaks the cycle). */
export class Person extends Base.model("rf_people", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
  carId: mappedColumn(Integer, {
    name: "car_id",
    foreignKey: ForeignKey("rf_cars.id", { useAlter: true, name: "fk_rf_people_car" }),
    nullable: true,
  }),
}) {
  constructor(init: Init<Person> = {}) {
    super(init as never);
  }
  static car = relationship(() => Car, { foreignKeys: () => [Person.carId], postUpdate: true });
  declare car: Car | null;
  static cars = relationship(() => Car, { foreignKeys: () => [Car.ownerId], backPopulates: "owner" });
  declare cars: Car[];
}

export class Car extends Base.model("rf_cars", {
  id: mappedColumn(Integer, { primaryKey: true }),
  make: mappedColumn(Str(50)),
  ownerId: mappedColumn(Integer, { name: "owner_id", foreignKey: "rf_people.id", nullable: true }),
}) {
  constructor(init: Init<Car> = {}) {
    super(init as never);
  }
  static owner = relationship(() => Person, { foreignKeys: () => [Car.ownerId], backPopulates: "cars" });
  declare owner: Person | null;
}
